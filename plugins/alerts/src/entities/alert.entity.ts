import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One alert: a rule's condition that fired on a server (or for an app on it) and, later, resolved.
 * Persisted as it changes, so a restart of Tomo neither re-sends an alert that fired nor loses
 * the one that must still resolve. `fingerprint` names what fires (rule, server, app...): at most
 * one firing alert per fingerprint. `ownerId` is the server's owner, who may read the alert.
 */
@Entity({ name: 'alerts' })
@Index('IDX_alerts_state_fingerprint', ['state', 'fingerprint'])
@Index('IDX_alerts_startedAt', ['startedAt'])
@Index('IDX_alerts_serverId', ['serverId'])
@Index('IDX_alerts_ruleId', ['ruleId'])
export class AlertEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  ruleId: string | null;

  @Column({ type: 'varchar', length: 100 })
  ruleName: string;

  @Column({ type: 'varchar', length: 8 })
  severity: 'info' | 'warning' | 'critical';

  @Column({ type: 'varchar', length: 36, nullable: true })
  serverId: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  serverName: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  ownerId: string | null;

  @Column({ type: 'varchar', length: 8 })
  state: 'firing' | 'resolved';

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Column({ type: 'varchar', length: 1000 })
  summary: string;

  @Column({ type: 'real', nullable: true })
  value: number | null;

  @Column({ type: 'real', nullable: true })
  threshold: number | null;

  @Column({ type: 'datetime' })
  startedAt: Date;

  @Column({ type: 'datetime', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'boolean', default: false })
  silenced: boolean;
}
