import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** A personal API token for scripts and MCP clients. Only its SHA-256 is stored. */
@Entity({ name: 'auth_api_tokens' })
@Index('UQ_auth_api_tokens_tokenHash', ['tokenHash'], { unique: true })
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_auth_api_tokens_userId')
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** Deleting a user deletes their tokens. */
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_auth_api_tokens_userId' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** The first characters of the token, to recognise it in lists. */
  @Column({ type: 'varchar', length: 20 })
  prefix: string;

  /** Hex SHA-256 of the whole token. */
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'datetime', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt: Date | null;
}
