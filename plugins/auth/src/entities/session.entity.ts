import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * The server-side record behind each login token. A token is valid only while its session is
 * neither revoked nor expired, so logout, disabling a user and password changes take effect at once.
 */
@Entity({ name: 'auth_sessions' })
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_auth_sessions_userId')
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** Deleting a user deletes their sessions. */
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_auth_sessions_userId' })
  user?: UserEntity;

  /** Door the login came through: http, mcp or cli. */
  @Column({ type: 'varchar', length: 8 })
  transport: string;

  @Column({ type: 'varchar', length: 64 })
  clientIp: string;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  expiresAt: Date;

  @Column({ type: 'datetime', nullable: true })
  revokedAt: Date | null;

  /**
   * Last authenticated request, written at most about once a minute (the exact time is kept in
   * memory), so the idle timeout survives a restart. Null on sessions from before this column:
   * their idle clock starts at `createdAt`.
   */
  @Column({ type: 'datetime', nullable: true })
  lastSeenAt: Date | null;
}
