import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A silence (or, with `startsAt` ahead, a maintenance window): alerts it matches are still
 * recorded, flagged silenced, but not sent. It matches by rule and/or server; `ownerId` null is
 * an admin's silence (any server), otherwise it covers only that user's servers.
 */
@Entity({ name: 'alert_silences' })
export class SilenceEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  ruleId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  serverId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  ownerId: string | null;

  @Column({ type: 'datetime' })
  startsAt: Date;

  @Column({ type: 'datetime' })
  endsAt: Date;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 36 })
  createdBy: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
