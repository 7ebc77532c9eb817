import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One line of the activity log: who did what, to what, through which door, and how it went.
 * Append-only: nothing in Tomo updates a row; rows only leave by age (retention).
 * `userId` is the actor (null for the system); `ownerId` is whose thing it is about (the server's
 * owner, or the user concerned), so a `user` sees what they did and what happened to their servers.
 */
@Entity({ name: 'activity_log' })
@Index('IDX_activity_log_at', ['at'])
@Index('IDX_activity_log_serverId', ['serverId'])
@Index('IDX_activity_log_userId', ['userId'])
@Index('IDX_activity_log_ownerId', ['ownerId'])
@Index('IDX_activity_log_action', ['action'])
export class ActivityEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'datetime' })
  at: Date;

  @Column({ type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  username: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  ownerId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  targetType: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  targetId: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  targetName: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  serverId: string | null;

  @Column({ type: 'varchar', length: 8 })
  result: 'ok' | 'failed';

  @Column({ type: 'varchar', length: 500, nullable: true })
  detail: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  door: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  clientIp: string | null;
}
