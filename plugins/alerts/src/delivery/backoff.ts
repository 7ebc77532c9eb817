import type { DeliveryConfig } from './delivery-config';

/** The retry schedule: attempt n (1-based) is followed, on failure, by a wait of `retryDelaysMs[n-1]`, or by giving up. */
export class Backoff {
  constructor(private readonly delays: readonly number[]) {}

  static from(config: Pick<DeliveryConfig, 'retryDelaysMs'>): Backoff {
    return new Backoff(config.retryDelaysMs);
  }

  /** How many attempts a delivery gets in all. */
  get maxAttempts(): number {
    return this.delays.length + 1;
  }

  /** The wait after failed attempt `attempt` before the next; null when that was the last. */
  delayAfter(attempt: number): number | null {
    return attempt >= 1 && attempt <= this.delays.length ? this.delays[attempt - 1] : null;
  }
}
