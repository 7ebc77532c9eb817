import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A person who can log in. Passwords are stored only as bcrypt hashes. */
@Entity({ name: 'auth_users' })
@Index('UQ_auth_users_usernameKey', ['usernameKey'], { unique: true })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** As typed at creation (shown). */
  @Column({ type: 'varchar', length: 32 })
  username: string;

  /** Lower-cased username: uniqueness and lookups are case-insensitive. */
  @Column({ type: 'varchar', length: 32 })
  usernameKey: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  role: 'admin' | 'user';

  @Column({ type: 'varchar', length: 100 })
  passwordHash: string;

  @Column({ type: 'boolean' })
  disabled: boolean;

  /** Set by the service (no database default, to stay portable across databases). */
  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;

  @Column({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null;

  /** The TOTP secret in force, sealed by the vault for this row's id; null while TOTP is off. */
  @Column({ type: 'text', nullable: true })
  totpSecret: string | null;

  /** A secret handed out by an enrolment not yet confirmed with a code (sealed); replaced by each new start. */
  @Column({ type: 'text', nullable: true })
  totpPendingSecret: string | null;

  /** The last TOTP time step accepted: a code of this step or an earlier one is refused (no replay). */
  @Column({ type: 'integer', nullable: true })
  totpLastStep: number | null;

  /** When TOTP was turned on; null while it is off. */
  @Column({ type: 'datetime', nullable: true })
  totpEnabledAt: Date | null;
}
