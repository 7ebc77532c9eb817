import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One alert rule: a metric held past a threshold for a while, or an event. `ownerId` null is a
 * rule of the system (the defaults a new instance starts with): like an admin's, it covers every
 * server, and only admins see and change it. `serverId` null: all the owner's servers (all
 * servers for an admin's or the system's rule).
 */
@Entity({ name: 'alert_rules' })
@Index('IDX_alert_rules_ownerId', ['ownerId'])
export class AlertRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'varchar', length: 36, nullable: true })
  ownerId: string | null;

  @Column({ type: 'boolean', default: false })
  builtIn: boolean;

  @Column({ type: 'varchar', length: 8 })
  kind: 'metric' | 'event';

  @Column({ type: 'varchar', length: 16, nullable: true })
  metric: string | null;

  @Column({ type: 'varchar', length: 1, nullable: true })
  operator: '>' | '<' | null;

  @Column({ type: 'real', nullable: true })
  threshold: number | null;

  @Column({ type: 'real', nullable: true })
  forMinutes: number | null;

  @Column({ type: 'real', nullable: true })
  clearThreshold: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  event: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  serverId: string | null;

  @Column({ type: 'varchar', length: 8 })
  severity: 'info' | 'warning' | 'critical';

  /** JSON array of channel ids. */
  @Column({ type: 'text', default: '[]' })
  channelIdsJson: string;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
