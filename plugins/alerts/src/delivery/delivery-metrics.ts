import type { MetricsRegistrar } from '@tomo/kernel';

/** What the dispatcher reports for `/metrics`: each delivery attempt by its outcome. */
export interface DeliveryMetrics {
  attempt(outcome: 'sent' | 'failed' | 'retrying'): void;
}

/** For dispatchers nobody scrapes (unit tests of the dispatcher). */
export const NO_DELIVERY_METRICS: DeliveryMetrics = { attempt: () => undefined };

/**
 * `tomo_alerts_delivery_attempts_total{outcome}`: sent, retrying (failed, another attempt
 * follows) or failed (given up, or not sent because Tomo stopped). Labelled by outcome only: a
 * channel's id or name would make a series per channel, which /metrics must not grow by.
 */
export function registerDeliveryMetrics(metrics: MetricsRegistrar): DeliveryMetrics {
  const attempts = metrics.counter({ name: 'tomo_alerts_delivery_attempts_total', help: 'Alert notification delivery attempts, by outcome (sent, retrying, failed)', labelNames: ['outcome'] });
  return { attempt: (outcome) => attempts.inc({ outcome }) };
}
