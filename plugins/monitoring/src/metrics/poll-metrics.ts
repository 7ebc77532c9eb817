import type { MetricsRegistrar } from '@tomo/kernel';

/** What the poller reports for `/metrics` (Tomo's own metrics, not the servers' figures it stores). */
export interface PollMetrics {
  /** A round over every due server ended after `seconds`. */
  round(seconds: number): void;
  /** One server's poll ended: `ok`, or `failed` (unreachable, the probe failed, its figures could not be stored). */
  poll(outcome: 'ok' | 'failed'): void;
}

/** For pollers nobody scrapes (unit tests of the poller). */
export const NO_POLL_METRICS: PollMetrics = { round: () => undefined, poll: () => undefined };

/** Poll rounds and their duration, and single polls by outcome. */
export function registerPollMetrics(metrics: MetricsRegistrar): PollMetrics {
  const rounds = metrics.counter({ name: 'tomo_monitoring_poll_rounds_total', help: 'Monitoring poll rounds (each polls every server that is due)' });
  const roundDuration = metrics.histogram({ name: 'tomo_monitoring_poll_round_duration_seconds', help: 'Time a monitoring poll round took', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
  const polls = metrics.counter({ name: 'tomo_monitoring_polls_total', help: 'Polls of one server, by outcome (ok, failed)', labelNames: ['outcome'] });
  return {
    round(seconds) {
      rounds.inc();
      roundDuration.observe({}, seconds);
    },
    poll: (outcome) => polls.inc({ outcome }),
  };
}
