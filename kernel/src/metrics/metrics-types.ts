/**
 * Label values of one time series: each of the metric's `labelNames` (fewer only when some do not
 * apply). Keep their values few (a route template, an outcome, a tool name), never an id, a path
 * or a user name: every distinct combination is a series Prometheus stores.
 */
export type MetricLabels<L extends string> = Partial<Record<L, string | number>>;

/** What a metric is: its name, one line of help, and the names of its labels. */
export interface MetricDefinition<L extends string = never> {
  /** `tomo_` then lower-case words and `_` (Prometheus style: `tomo_<area>_<what>_<unit>`, counters end in `_total`). */
  name: string;
  /** One line for the `# HELP` line. */
  help: string;
  /** The label names its series are split by. */
  labelNames?: readonly L[];
}

/** A value that only goes up (requests, failures). */
export interface MetricCounter<L extends string = never> {
  /** Adds `value` (default 1) to the series of these labels. */
  inc(labels?: MetricLabels<L>, value?: number): void;
  /** The series of these labels, to keep where the same series is counted often (a request's path): its `inc` finds nothing again. */
  series(labels?: MetricLabels<L>): MetricCounterSeries;
}

/** One series of a counter, kept by code that counts it often. */
export interface MetricCounterSeries {
  /** Adds `value` (default 1). */
  inc(value?: number): void;
}

/** Observations counted into buckets (durations, in seconds). */
export interface MetricHistogram<L extends string = never> {
  /** Records one observation (seconds, for a duration). */
  observe(labels: MetricLabels<L>, value: number): void;
  /** The series of these labels, to keep where the same series is observed often: its `observe` finds nothing again. */
  series(labels?: MetricLabels<L>): MetricHistogramSeries;
  /** Starts a clock; calling the returned function records the seconds since, with the labels of both calls. */
  startTimer(labels?: MetricLabels<L>): (labels?: MetricLabels<L>) => number;
}

/** One series of a histogram, kept by code that observes it often. */
export interface MetricHistogramSeries {
  /** Records one observation (seconds, for a duration). */
  observe(value: number): void;
}

/** A value that goes up and down (open connections). */
export interface MetricGauge<L extends string = never> {
  /** Sets the series of these labels. */
  set(labels: MetricLabels<L>, value: number): void;
  /** Adds `value` (default 1). */
  inc(labels?: MetricLabels<L>, value?: number): void;
  /** Subtracts `value` (default 1). */
  dec(labels?: MetricLabels<L>, value?: number): void;
}

/**
 * Adds metrics to what `GET /metrics` serves (Prometheus text format). Plugins get it as
 * `ctx.metrics`; register each metric once (in `init`), keep the returned object, and update it
 * where the thing happens. A name used twice, or not starting with `tomo_`, throws.
 */
export interface MetricsRegistrar {
  /** A counter. */
  counter<L extends string = never>(definition: MetricDefinition<L>): MetricCounter<L>;
  /** A histogram; `buckets` are upper bounds (default: 5 ms to 30 s, for durations in seconds). */
  histogram<L extends string = never>(definition: MetricDefinition<L> & { buckets?: readonly number[] }): MetricHistogram<L>;
  /**
   * A gauge. With `collect`, its value is read when Prometheus scrapes (e.g. the size of a pool),
   * so nothing has to keep it up to date.
   */
  gauge<L extends string = never>(definition: MetricDefinition<L> & { collect?: () => number }): MetricGauge<L>;
}
