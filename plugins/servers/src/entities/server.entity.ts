import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A Linux server Tomo reaches over SSH. Credentials are stored sealed by the kernel's vault. */
@Entity({ name: 'servers' })
@Index('IDX_servers_ownerId', ['ownerId'])
export class ServerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 253 })
  host: string;

  @Column({ type: 'integer' })
  port: number;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar', length: 16 })
  authType: 'password' | 'key';

  /** Vault-sealed JSON of the credentials, bound to this record's id. */
  @Column({ type: 'text' })
  credentialsSealed: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  hostKeyFingerprint: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  hostKeyAlgorithm: string | null;

  @Column({ type: 'datetime', nullable: true })
  hostKeyFirstSeenAt: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  pendingHostKeyFingerprint: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  pendingHostKeyAlgorithm: string | null;

  @Column({ type: 'datetime', nullable: true })
  pendingHostKeySeenAt: Date | null;

  @Column({ type: 'varchar', length: 16 })
  status: 'unknown' | 'online' | 'offline' | 'error';

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ type: 'datetime', nullable: true })
  lastCheckedAt: Date | null;

  /** JSON of the system facts from the last successful test. */
  @Column({ type: 'text', nullable: true })
  factsJson: string | null;

  @Column({ type: 'varchar', length: 36 })
  ownerId: string;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
