import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../entities/user.entity';

/** A sign-in identity at an OpenID provider (issuer + subject) linked to a Tomo user. */
@Entity({ name: 'auth_oidc_identities' })
@Index('UQ_auth_oidc_identities_issuer_subject', ['issuer', 'subject'], { unique: true })
@Index('IDX_auth_oidc_identities_userId', ['userId'])
export class OidcIdentityEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'FK_auth_oidc_identities_userId' })
  user?: UserEntity;

  /** The config id of the provider (`auth.oidc.<id>`), for display. */
  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ type: 'varchar', length: 512 })
  issuer: string;

  @Column({ type: 'varchar', length: 255 })
  subject: string;

  /** The email the provider gave at linking (shown on the Account page). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null;
}
