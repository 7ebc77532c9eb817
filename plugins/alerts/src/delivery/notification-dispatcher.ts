import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { scrub } from '../channels/channel-sealing';
import type { ChannelStore } from '../channels/channel-store';
import type { AlertNotification, NotificationSender } from '../notification';
import type { AttemptLog } from './attempt-log';
import { Backoff } from './backoff';
import { ChannelQueue, type AttemptVerdict, type DeliveryJob } from './channel-queue';
import type { DeliveryConfig } from './delivery-config';
import { NO_DELIVERY_METRICS, type DeliveryMetrics } from './delivery-metrics';

/** Extra time past an attempt's own timeout before the dispatcher gives up on a library that did not honour it. */
const TIMEOUT_GRACE_MS = 2000;

/**
 * The plugin's {@link NotificationSender}: a queue per channel, attempts with a timeout, retries
 * with backoff, every attempt recorded (its error scrubbed of the channel's secrets) and the
 * channel's health kept. On shutdown nothing is dropped silently: the attempt in flight
 * finishes, and every delivery still waiting is recorded as failed, saying why.
 */
export class NotificationDispatcher implements NotificationSender {
  private readonly queues = new Map<string, ChannelQueue>();
  private readonly backoff: Backoff;
  private stopping = false;

  constructor(
    private readonly store: ChannelStore,
    private readonly attempts: AttemptLog,
    private readonly config: DeliveryConfig,
    private readonly userAgent: string,
    private readonly logger: Logger,
    private readonly metrics: DeliveryMetrics = NO_DELIVERY_METRICS,
  ) {
    this.backoff = Backoff.from(config);
  }

  send(notification: AlertNotification, channelIds: readonly string[]): void {
    for (const channelId of new Set(channelIds)) this.enqueue(channelId, { deliveryId: randomUUID(), notification, attempt: 1 });
  }

  /** Queues one delivery; returns its id (the test route answers at once, the attempts follow). */
  enqueue(channelId: string, job: DeliveryJob): string {
    if (this.stopping) {
      void this.recordUnsent(channelId, job, 'Not sent: Tomo was stopping');
      return job.deliveryId;
    }
    let queue = this.queues.get(channelId);
    if (!queue) {
      queue = new ChannelQueue((j) => this.attempt(channelId, j));
      this.queues.set(channelId, queue);
    }
    if (queue.length >= this.config.queueLimit) {
      void this.recordUnsent(channelId, job, `Not sent: ${queue.length} notifications already wait for this channel`);
      return job.deliveryId;
    }
    queue.push(job);
    return job.deliveryId;
  }

  /** One attempt of `job` on the channel: made, recorded, and the verdict for the queue. */
  private async attempt(channelId: string, job: DeliveryJob): Promise<AttemptVerdict> {
    const at = this.attempts.now();
    const started = performance.now();
    let needles: string[] = [];
    let responseCode: number | null = null;
    let error: string;
    try {
      const channel = await this.store.open(channelId);
      if (!channel) {
        this.logger.debug({ channelId, deliveryId: job.deliveryId }, 'Notification dropped: its channel was deleted');
        return { done: true };
      }
      needles = channel.needles;
      const outcome = await withDeadline(
        channel.definition.deliver(job.notification, channel.config, {
          deliveryId: job.deliveryId,
          attempt: job.attempt,
          timeoutMs: this.config.attemptTimeoutMs,
          userAgent: this.userAgent,
          now: at,
        }),
        this.config.attemptTimeoutMs + TIMEOUT_GRACE_MS,
      );
      await this.write({ channelId, job, at, started, outcome: 'sent', responseCode: outcome.responseCode, error: null });
      return { done: true };
    } catch (err) {
      const e = err as { responseCode?: unknown; message?: unknown };
      responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
      error = scrub(typeof e.message === 'string' ? e.message : String(err), needles);
    }
    const retryInMs = this.backoff.delayAfter(job.attempt);
    await this.write({ channelId, job, at, started, outcome: retryInMs === null ? 'failed' : 'retrying', responseCode, error });
    return retryInMs === null ? { done: true } : { done: false, retryInMs };
  }

  private async write(a: { channelId: string; job: DeliveryJob; at: Date; started: number; outcome: 'sent' | 'failed' | 'retrying'; responseCode: number | null; error: string | null }): Promise<void> {
    const { channelId, job } = a;
    const fields = { channelId, deliveryId: job.deliveryId, attempt: job.attempt, outcome: a.outcome, responseCode: a.responseCode, error: a.error };
    this.metrics.attempt(a.outcome);
    if (a.outcome === 'sent') this.logger.info(fields, 'Notification delivered');
    else this.logger.warn(fields, a.outcome === 'retrying' ? 'Notification attempt failed; will retry' : 'Notification not delivered; gave up');
    try {
      await this.attempts.record({
        channelId,
        deliveryId: job.deliveryId,
        alertId: job.notification.status === 'test' ? null : job.notification.alertId,
        status: job.notification.status,
        attempt: job.attempt,
        outcome: a.outcome,
        responseCode: a.responseCode,
        error: a.error,
        at: a.at,
        durationMs: performance.now() - a.started,
      });
    } catch (err) {
      this.logger.error({ err, channelId, deliveryId: job.deliveryId }, 'Could not record a delivery attempt');
    }
  }

  /** Records a delivery that gets no (further) attempt as failed, with the reason. */
  private async recordUnsent(channelId: string, job: DeliveryJob, reason: string): Promise<void> {
    await this.write({ channelId, job, at: this.attempts.now(), started: performance.now(), outcome: 'failed', responseCode: null, error: reason });
  }

  /** For tests and shutdown: true when no channel has anything waiting or in flight. */
  get idle(): boolean {
    return [...this.queues.values()].every((q) => q.idle);
  }

  /**
   * Stops delivering: each queue's attempt in flight finishes (within its timeout), and every
   * delivery still waiting (for its first attempt or a retry) is recorded as failed.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const queues = [...this.queues.entries()];
    this.queues.clear();
    await Promise.all(
      queues.map(async ([channelId, queue]) => {
        for (const job of await queue.stop()) {
          await this.recordUnsent(channelId, job, job.attempt > 1 ? `Not retried: Tomo stopped before attempt ${job.attempt}` : 'Not sent: Tomo stopped before the first attempt');
        }
      }),
    );
  }
}

/** `promise`, or a rejection after `ms` (a library that hangs past its own timeout must not block the queue). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer within ${Math.round(ms / 100) / 10} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
