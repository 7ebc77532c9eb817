import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The server-side record behind each login token. A token is valid only while its session is
 * neither revoked nor expired, so logout, disabling a user and password changes take effect at once.
 */
@Entity({ name: 'auth_sessions' })
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** Door the login came through: http, mcp or cli. */
  @Column({ type: 'varchar', length: 8 })
  transport: string;

  @Column({ type: 'varchar', length: 64 })
  clientIp: string;

  @CreateDateColumn()
  createdAt: Date;

  @Column({ type: 'datetime' })
  expiresAt: Date;

  @Column({ type: 'datetime', nullable: true })
  revokedAt: Date | null;
}
