import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * One of a user's single-use recovery codes for the second factor. Only its SHA-256 is stored:
 * a code is 80 random bits, so a plain hash cannot be reversed by guessing.
 */
@Entity({ name: 'auth_recovery_codes' })
@Index('UQ_auth_recovery_codes_codeHash', ['codeHash'], { unique: true })
export class RecoveryCodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_auth_recovery_codes_userId')
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** Deleting a user deletes their codes. */
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_auth_recovery_codes_userId' })
  user?: UserEntity;

  /** Hex SHA-256 of the normalised code (upper case, no dashes). */
  @Column({ type: 'varchar', length: 64 })
  codeHash: string;

  @Column({ type: 'datetime' })
  createdAt: Date;

  /** Set when the code was spent; a used code never works again. */
  @Column({ type: 'datetime', nullable: true })
  usedAt: Date | null;
}
