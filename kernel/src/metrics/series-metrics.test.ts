// Tomo's counters and histograms (series-metrics.ts) must show in /metrics exactly what
// prom-client's own Counter and Histogram show for the same counts: the same values are given to
// both, in registries of their own, and the texts compared.
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { SeriesCounter, SeriesGauge, SeriesHistogram } from './series-metrics';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function registries(): { theirs: Registry; ours: Registry } {
  return { theirs: new Registry(), ours: new Registry() };
}

test('a counter shows what prom-client shows, whether counted by labels or through a kept series', async () => {
  const { theirs, ours } = registries();
  const reference = new Counter({ name: 'tomo_test_requests_total', help: 'Requests', labelNames: ['method', 'status'], registers: [theirs] });
  const counter = new SeriesCounter('tomo_test_requests_total', 'Requests', ['method', 'status']);
  ours.registerMetric(counter as unknown as Metric);
  const kept = counter.series({ method: 'GET', status: 200 });
  for (let i = 0; i < 5; i++) {
    reference.inc({ method: 'GET', status: 200 });
    kept.inc();
  }
  reference.inc({ method: 'POST', status: 400 }, 3);
  counter.inc({ method: 'POST', status: 400 }, 3);
  reference.inc({ status: 500 });
  counter.inc({ status: 500 });
  expect(await ours.metrics()).toBe(await theirs.metrics());
});

test('a histogram shows what prom-client shows: buckets, sum and count per series', async () => {
  const { theirs, ours } = registries();
  const reference = new Histogram({ name: 'tomo_test_seconds', help: 'Durations', labelNames: ['route'], buckets: BUCKETS, registers: [theirs] });
  const histogram = new SeriesHistogram('tomo_test_seconds', 'Durations', ['route'], BUCKETS);
  ours.registerMetric(histogram as unknown as Metric);
  const kept = histogram.series({ route: '/api/a' });
  // On a bound, between bounds, below the first and above the last.
  for (const value of [0.005, 0.0051, 0.001, 0.3, 31, 10, 0]) {
    reference.observe({ route: '/api/a' }, value);
    kept.observe(value);
    reference.observe({ route: '/api/b' }, value * 2);
    histogram.observe({ route: '/api/b' }, value * 2);
  }
  expect(await ours.metrics()).toBe(await theirs.metrics());
});

test('a label the metric does not have, or a counter going down, is refused', () => {
  const counter = new SeriesCounter('tomo_test_total', 'T', ['tool']);
  expect(() => counter.inc({ nope: 'x' } as never)).toThrow(/has no label "nope"/);
  expect(() => counter.inc({ tool: 'x' }, -1)).toThrow(/only goes up/);
  const histogram = new SeriesHistogram('tomo_test_seconds', 'T', [], BUCKETS);
  expect(() => histogram.observe({}, Number.NaN)).toThrow(/not a valid number/);
});

test('startTimer observes the seconds since it started, with the labels of both calls', async () => {
  const histogram = new SeriesHistogram('tomo_test_seconds', 'T', ['tool', 'outcome'], BUCKETS);
  const end = histogram.startTimer({ tool: 'x' });
  await new Promise((r) => setTimeout(r, 20));
  const seconds = end({ outcome: 'ok' });
  expect(seconds).toBeGreaterThanOrEqual(0.015);
  const sum = histogram.get().values.find((v) => v.metricName === 'tomo_test_seconds_sum');
  expect(sum).toEqual({ value: seconds, labels: { tool: 'x', outcome: 'ok' }, metricName: 'tomo_test_seconds_sum' });
});

test('a gauge shows what prom-client shows: set, up and down, or read when scraped', async () => {
  const { theirs, ours } = registries();
  const reference = new Gauge({ name: 'tomo_test_open', help: 'Open', labelNames: ['kind'], registers: [theirs] });
  const gauge = new SeriesGauge('tomo_test_open', 'Open', ['kind']);
  ours.registerMetric(gauge as unknown as Metric);
  for (const g of [reference, gauge]) {
    g.set({ kind: 'a' }, 5);
    g.inc({ kind: 'a' });
    g.dec({ kind: 'b' }, 2);
  }
  let pool = 3;
  new Gauge({ name: 'tomo_test_pool', help: 'Pool', registers: [theirs], collect(this: Gauge) { this.set(pool); } });
  ours.registerMetric(new SeriesGauge('tomo_test_pool', 'Pool', [], () => pool) as unknown as Metric);
  expect(await ours.metrics()).toBe(await theirs.metrics());
  pool = 7;
  expect(await ours.metrics()).toBe(await theirs.metrics());
});

test('a metric without labels shows its series at 0 before anything is counted, as prom-client does', async () => {
  const { theirs, ours } = registries();
  new Counter({ name: 'tomo_test_total', help: 'T', registers: [theirs] });
  new Histogram({ name: 'tomo_test_seconds', help: 'S', buckets: BUCKETS, registers: [theirs] });
  ours.registerMetric(new SeriesCounter('tomo_test_total', 'T', []) as unknown as Metric);
  ours.registerMetric(new SeriesHistogram('tomo_test_seconds', 'S', [], BUCKETS) as unknown as Metric);
  expect(await ours.metrics()).toBe(await theirs.metrics());
});
