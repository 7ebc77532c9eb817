import type { MetricLabels } from './metrics-types';

/**
 * Tomo's counters, histograms and gauges, served through prom-client's registry (which formats
 * them with Node's process metrics) but counted here.
 *
 * Why not prom-client's own: every `inc` and `observe` there builds a key string from the labels,
 * checks every label name and, for a histogram, allocates a closure and an object, on each HTTP
 * request and MCP call (issue 19: about 2 us of a request's 50). Here a series is found once and
 * kept (`series(labels)`); counting into it is a few additions. What `/metrics` shows is the same
 * text prom-client's Counter and Histogram give (series-metrics.test.ts compares them).
 */

/** What prom-client's registry reads of a metric (its `get()`), as its own metrics answer it. */
interface MetricSnapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram' | 'gauge';
  aggregator: 'sum';
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

type Labels = Record<string, string | number>;

/** The series of one metric, found by label values (in `labelNames` order). */
class SeriesTable<S> {
  private readonly byKey = new Map<string, S>();

  constructor(
    private readonly name: string,
    private readonly labelNames: readonly string[],
    private readonly make: (labels: Labels) => S,
  ) {}

  /** The series of these labels, made (and its label names checked) the first time. */
  of(labels: MetricLabels<string> | undefined): S {
    const given = labels ?? {};
    let key = '';
    for (let i = 0; i < this.labelNames.length; i++) {
      const value = given[this.labelNames[i]];
      key += value === undefined ? '\u0001' : `${String(value)}\u0000`;
    }
    let series = this.byKey.get(key);
    if (!series) {
      for (const name of Object.keys(given)) {
        if (!this.labelNames.includes(name)) throw new Error(`Metric "${this.name}" has no label "${name}" (its labels: ${this.labelNames.join(', ') || 'none'})`);
      }
      const own: Labels = {};
      for (const name of Object.keys(given)) if (given[name] !== undefined) own[name] = given[name] as string | number;
      series = this.make(own);
      this.byKey.set(key, series);
    }
    return series;
  }

  all(): IterableIterator<S> {
    return this.byKey.values();
  }

  /**
   * Forgets every series. A metric without labels then has its one series at 0 at once, as
   * prom-client's metrics do (so `/metrics` shows it before anything is counted).
   */
  clear(): void {
    this.byKey.clear();
    if (this.labelNames.length === 0) this.of(undefined);
  }
}

/** What every metric here shares: its name and help, its series, and a reset that keeps prom-client's unlabelled series at 0. */
abstract class SeriesMetric<S> {
  readonly aggregator = 'sum';
  protected readonly table: SeriesTable<S>;

  constructor(
    readonly type: MetricSnapshot['type'],
    readonly name: string,
    readonly help: string,
    labelNames: readonly string[],
    make: (labels: Labels) => S,
  ) {
    this.table = new SeriesTable(name, labelNames, make);
    this.table.clear();
  }

  abstract get(): MetricSnapshot;

  reset(): void {
    this.table.clear();
  }
}

/** One counter series, kept by a hot path: `inc` is an addition. */
export interface CounterSeries {
  inc(value?: number): void;
}

class CounterCell implements CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}

  inc(value = 1): void {
    if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`A counter only goes up by a finite amount, not ${value}`);
    this.value += value;
  }
}

/** A counter: prom-client's `Counter` in what it shows, counted in series of its own. */
export class SeriesCounter extends SeriesMetric<CounterCell> {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super('counter', name, help, labelNames, (labels) => new CounterCell(labels));
  }

  series(labels?: MetricLabels<string>): CounterSeries {
    return this.table.of(labels);
  }

  inc(labels?: MetricLabels<string>, value?: number): void {
    this.table.of(labels).inc(value);
  }

  get(): MetricSnapshot {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: [...this.table.all()].map((c) => ({ value: c.value, labels: c.labels })) };
  }
}

/** One histogram series, kept by a hot path. */
export interface HistogramSeries {
  observe(value: number): void;
}

class HistogramCell implements HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

/** A histogram: prom-client's `Histogram` in what it shows, counted in series of its own. */
export class SeriesHistogram extends SeriesMetric<HistogramCell> {
  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    const bounds = Object.freeze([...buckets].sort((a, b) => a - b));
    super('histogram', name, help, labelNames, (labels) => new HistogramCell(labels, bounds));
  }

  series(labels?: MetricLabels<string>): HistogramSeries {
    return this.table.of(labels);
  }

  observe(labels: MetricLabels<string>, value: number): void {
    this.table.of(labels).observe(value);
  }

  startTimer(labels?: MetricLabels<string>): (more?: MetricLabels<string>) => number {
    const started = process.hrtime.bigint();
    return (more) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.observe({ ...labels, ...more }, seconds);
      return seconds;
    };
  }

  get(): MetricSnapshot {
    const values: MetricSnapshot['values'] = [];
    const bucket = `${this.name}_bucket`;
    for (const cell of this.table.all()) {
      let cumulative = 0;
      for (let i = 0; i < cell.bounds.length; i++) {
        cumulative += cell.counts[i];
        values.push({ value: cumulative, labels: { le: cell.bounds[i], ...cell.labels }, metricName: bucket });
      }
      values.push({ value: cell.count, labels: { le: '+Inf', ...cell.labels }, metricName: bucket });
      values.push({ value: cell.sum, labels: { ...cell.labels }, metricName: `${this.name}_sum` });
      values.push({ value: cell.count, labels: { ...cell.labels }, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

class GaugeCell {
  value = 0;
  constructor(readonly labels: Labels) {}
}

/**
 * A gauge: prom-client's `Gauge` in what it shows. With `collect`, the value of its unlabelled
 * series is read when Prometheus scrapes.
 */
export class SeriesGauge extends SeriesMetric<GaugeCell> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly collect?: () => number,
  ) {
    super('gauge', name, help, labelNames, (labels) => new GaugeCell(labels));
  }

  set(labels: MetricLabels<string>, value: number): void {
    if (typeof value !== 'number') throw new TypeError(`Value is not a valid number: ${String(value)}`);
    this.table.of(labels).value = value;
  }

  inc(labels?: MetricLabels<string>, value = 1): void {
    this.table.of(labels).value += value;
  }

  dec(labels?: MetricLabels<string>, value = 1): void {
    this.table.of(labels).value -= value;
  }

  get(): MetricSnapshot {
    if (this.collect) this.table.of(undefined).value = this.collect();
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: [...this.table.all()].map((c) => ({ value: c.value, labels: c.labels })) };
  }
}
