import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * A passkey (WebAuthn credential) of a user: the authenticator keeps the private key, Tomo its
 * public key and the last signature counter it saw. Nothing here is secret on its own (a public
 * key signs nothing), but it is still never sent to clients: they get id, name and dates only.
 */
@Entity({ name: 'auth_passkeys' })
@Index('UQ_auth_passkeys_credentialId', ['credentialId'], { unique: true })
export class PasskeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_auth_passkeys_userId')
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** Deleting a user deletes their passkeys. */
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_auth_passkeys_userId' })
  user?: UserEntity;

  /** The credential id the authenticator chose, base64url (at most 1023 bytes by the spec). */
  @Column({ type: 'varchar', length: 1400 })
  credentialId: string;

  /** COSE public key, base64url. */
  @Column({ type: 'text' })
  publicKey: string;

  /** The authenticator's signature counter at the last use; 0 for those that keep none. */
  @Column({ type: 'integer' })
  counter: number;

  /** JSON list of transports the browser reported (usb, internal, hybrid…), to hint the next sign-in. */
  @Column({ type: 'varchar', length: 200 })
  transports: string;

  /** `singleDevice` or `multiDevice` (synced, e.g. by a password manager). */
  @Column({ type: 'varchar', length: 16 })
  deviceType: string;

  @Column({ type: 'boolean' })
  backedUp: boolean;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null;
}
