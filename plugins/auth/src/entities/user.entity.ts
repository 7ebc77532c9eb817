import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A person who can log in. Passwords are stored only as bcrypt hashes. */
@Entity({ name: 'auth_users' })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** As typed at creation (shown). */
  @Column({ type: 'varchar', length: 32 })
  username: string;

  /** Lower-cased username: uniqueness and lookups are case-insensitive. */
  @Column({ type: 'varchar', length: 32, unique: true })
  usernameKey: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  role: 'admin' | 'user';

  @Column({ type: 'varchar', length: 100 })
  passwordHash: string;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;

  @Column({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null;
}
