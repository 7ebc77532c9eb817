import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A notification channel an admin configured. Its config is split in two: the non-secret
 * settings in clear (`settingsJson`), the secret fields sealed by the kernel's vault, bound to
 * this record's id (`secretsSealed`). Health is kept here so listing channels reads no history.
 */
@Entity({ name: 'alert_channels' })
export class NotificationChannelEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: string;

  /** JSON of the config's non-secret fields. */
  @Column({ type: 'text' })
  settingsJson: string;

  /** What views show of the config (computed at creation from the whole config: a secret URL shown by its origin). */
  @Column({ type: 'text' })
  shownJson: string;

  /** JSON list of the secret fields that are set (their names only). */
  @Column({ type: 'text' })
  secretNamesJson: string;

  /** Vault-sealed JSON of the config's secret fields (an empty object when it has none). */
  @Column({ type: 'text' })
  secretsSealed: string;

  /** 'untested' until the first delivery ends, then 'ok' or 'failing'. */
  @Column({ type: 'varchar', length: 16, default: 'untested' })
  health: string;

  /** Failed attempts since the last success. */
  @Column({ type: 'integer', default: 0 })
  consecutiveFailures: number;

  @Column({ type: 'datetime', nullable: true })
  lastDeliveryAt: Date | null;

  /** The last failure's cause (never a secret); cleared by a success. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
