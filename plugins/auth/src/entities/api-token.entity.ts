import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A personal API token for scripts and MCP clients. Only its SHA-256 is stored. */
@Entity({ name: 'auth_api_tokens' })
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** The first characters of the token, to recognise it in lists. */
  @Column({ type: 'varchar', length: 20 })
  prefix: string;

  /** Hex SHA-256 of the whole token. */
  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @CreateDateColumn()
  createdAt: Date;

  @Column({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'datetime', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt: Date | null;
}
