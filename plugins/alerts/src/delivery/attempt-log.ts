import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Clock } from '@tomo/kernel';
import { DeliveryAttemptEntity } from '../entities/delivery-attempt.entity';
import { NotificationChannelEntity } from '../entities/notification-channel.entity';
import type { DeliveryView } from '../channels/channel-views';

/** One attempt's record, as the dispatcher reports it (its error already scrubbed of secrets). */
export interface AttemptRecord {
  channelId: string;
  deliveryId: string;
  alertId: string | null;
  status: 'firing' | 'resolved' | 'test';
  attempt: number;
  outcome: 'sent' | 'failed' | 'retrying';
  responseCode: number | null;
  error: string | null;
  at: Date;
  durationMs: number;
}

const clip = (text: string | null, max: number): string | null => (text && text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Writes attempts and keeps each channel's health in step with them. */
export class AttemptLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly failingAfterAttempts: number,
  ) {}

  /**
   * Stores the attempt and updates the channel: a success makes it `ok` (and clears the error);
   * a failure counts, and the channel is `failing` once `failingAfterAttempts` failed in a row or
   * a delivery was given up. A channel deleted meanwhile is left alone (its attempts went with it).
   */
  async record(r: AttemptRecord): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const channel = await m.findOneBy(NotificationChannelEntity, { id: r.channelId });
      if (!channel) return;
      await m.insert(DeliveryAttemptEntity, { id: randomUUID(), ...r, error: clip(r.error, 500), durationMs: Math.max(0, Math.round(r.durationMs)) });
      if (r.outcome === 'sent') {
        await m.update(NotificationChannelEntity, { id: r.channelId }, { health: 'ok', consecutiveFailures: 0, lastDeliveryAt: r.at, lastError: null });
        return;
      }
      const failures = channel.consecutiveFailures + 1;
      const failing = r.outcome === 'failed' || failures >= this.failingAfterAttempts;
      await m.update(NotificationChannelEntity, { id: r.channelId }, {
        consecutiveFailures: failures,
        lastError: clip(r.error, 500),
        ...(failing ? { health: 'failing' } : {}),
      });
    });
  }

  /** A channel's attempts, newest first. */
  async list(channelId: string, limit: number): Promise<DeliveryView[]> {
    const rows = await this.dataSource.getRepository(DeliveryAttemptEntity).find({ where: { channelId }, order: { at: 'DESC', attempt: 'DESC' }, take: limit });
    return rows.map((a) => ({
      id: a.id,
      channelId: a.channelId,
      alertId: a.alertId,
      status: a.status as DeliveryView['status'],
      attempt: a.attempt,
      outcome: a.outcome as DeliveryView['outcome'],
      responseCode: a.responseCode,
      error: a.error,
      at: new Date(a.at).toISOString(),
      durationMs: a.durationMs,
    }));
  }

  now(): Date {
    return this.clock.now();
  }
}
