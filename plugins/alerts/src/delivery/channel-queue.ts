import type { AlertNotification } from '../notification';

/** One notification on its way to one channel. */
export interface DeliveryJob {
  deliveryId: string;
  notification: AlertNotification;
  /** The attempt to make next (1-based). */
  attempt: number;
}

/** What an attempt tells the queue: the job is over, or it is to be retried after `retryInMs`. */
export type AttemptVerdict = { done: true } | { done: false; retryInMs: number };

/**
 * The notifications waiting for one channel, delivered one at a time and in order, so a
 * "resolved" never overtakes its "firing". A failed attempt holds the head of the queue for its
 * retry's wait: behind a dead receiver nothing would get through anyway, and order is kept.
 */
export class ChannelQueue {
  private readonly jobs: DeliveryJob[] = [];
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly attempt: (job: DeliveryJob) => Promise<AttemptVerdict>) {}

  get length(): number {
    return this.jobs.length;
  }

  /** True when nothing waits and nothing is in flight (the queue may be dropped). */
  get idle(): boolean {
    return this.jobs.length === 0 && !this.inFlight && !this.timer;
  }

  push(job: DeliveryJob): void {
    if (this.stopped) throw new Error('The queue is stopped');
    this.jobs.push(job);
    this.pump();
  }

  /** Starts the head's attempt unless one is running or waiting for its retry. */
  private pump(): void {
    if (this.stopped || this.inFlight || this.timer || this.jobs.length === 0) return;
    const job = this.jobs[0];
    this.inFlight = this.attempt(job)
      .catch((): AttemptVerdict => ({ done: true }))
      .then((verdict) => {
        this.inFlight = null;
        if (verdict.done) {
          this.jobs.shift();
          this.pump();
          return;
        }
        job.attempt += 1;
        // Stopping: the job stays at the head, waiting for the attempt it will not get.
        if (this.stopped) return;
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, verdict.retryInMs);
        this.timer.unref?.();
      });
  }

  /**
   * Stops the queue: no new attempt starts, a wait for a retry is cut short, the attempt in
   * flight (bounded by its timeout) is let finish. Returns the jobs that were not finished, each
   * with the attempt it was waiting to make, for the caller to record.
   */
  async stop(): Promise<DeliveryJob[]> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight) await this.inFlight;
    return this.jobs.splice(0);
  }
}
