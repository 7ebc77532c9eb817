import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One attempt to deliver one notification to one channel. The attempts of one delivery share
 * `deliveryId`; `outcome` is `retrying` for a failed attempt that will be tried again, `failed`
 * for the last one that gave up. `error` is scrubbed of the channel's secrets before it is written.
 */
@Entity({ name: 'alert_delivery_attempts' })
@Index('IDX_alert_delivery_attempts_channel_at', ['channelId', 'at'])
export class DeliveryAttemptEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  channelId: string;

  @Column({ type: 'varchar', length: 36 })
  deliveryId: string;

  /** Null for a test sent by an admin. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  alertId: string | null;

  /** 'firing' | 'resolved' | 'test'. */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'integer' })
  attempt: number;

  /** 'sent' | 'failed' | 'retrying'. */
  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  @Column({ type: 'integer', nullable: true })
  responseCode: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ type: 'datetime' })
  at: Date;

  @Column({ type: 'integer' })
  durationMs: number;
}
