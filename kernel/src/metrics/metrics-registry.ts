import { collectDefaultMetrics, Gauge, Registry, type Metric } from 'prom-client';
import type { MetricCounter, MetricDefinition, MetricGauge, MetricHistogram, MetricsRegistrar } from './metrics-types';
import { SeriesCounter, SeriesHistogram } from './series-metrics';

const NAME_PATTERN = /^tomo_[a-z0-9]+(_[a-z0-9]+)*$/;
/** Durations from a cached answer (5 ms) to a slow SSH command or image pull's request (30 s). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * One kernel's metrics, over prom-client: a registry of its own (tests run many kernels in one
 * process, each must count alone), Node's process metrics (memory, CPU, event-loop lag, open
 * files) under their standard names, and what the kernel and plugins register.
 */
export class MetricsRegistry implements MetricsRegistrar {
  readonly registry = new Registry();
  /** Who registered each name, for the error when a second one tries. */
  private readonly owners = new Map<string, string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The registrar a plugin gets: the same registry, with its id for error messages. */
  forOwner(owner: string): MetricsRegistrar {
    return {
      counter: (d) => this.add(owner, d, () => this.served(new SeriesCounter(d.name, d.help, d.labelNames ?? []))),
      histogram: (d) => this.add(owner, d, () => this.served(new SeriesHistogram(d.name, d.help, d.labelNames ?? [], d.buckets ?? DURATION_BUCKETS))),
      gauge: (d) => {
        const collect = d.collect;
        return this.add(owner, d, () => new Gauge({ ...this.base(d), ...(collect ? { collect(this: Gauge) { this.set(collect()); } } : {}) }));
      },
    };
  }

  counter<L extends string = never>(definition: MetricDefinition<L>): MetricCounter<L> {
    return this.forOwner('kernel').counter(definition);
  }

  histogram<L extends string = never>(definition: MetricDefinition<L> & { buckets?: readonly number[] }): MetricHistogram<L> {
    return this.forOwner('kernel').histogram(definition);
  }

  gauge<L extends string = never>(definition: MetricDefinition<L> & { collect?: () => number }): MetricGauge<L> {
    return this.forOwner('kernel').gauge(definition);
  }

  /** The text Prometheus scrapes, and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** Counters and histograms are Tomo's own (series-metrics.ts); the registry formats them with the rest. */
  private served<T extends SeriesCounter | SeriesHistogram>(metric: T): T {
    this.registry.registerMetric(metric as unknown as Metric);
    return metric;
  }

  private base<L extends string>(d: MetricDefinition<L>): { name: string; help: string; labelNames: L[]; registers: Registry[] } {
    return { name: d.name, help: d.help, labelNames: [...(d.labelNames ?? [])], registers: [this.registry] };
  }

  private add<T>(owner: string, d: MetricDefinition<string>, make: () => T): T {
    if (!NAME_PATTERN.test(d.name)) throw new Error(`Metric "${d.name}" of "${owner}": the name must start with tomo_ and use lower-case letters, digits and single underscores`);
    const other = this.owners.get(d.name);
    if (other) throw new Error(`Metric "${d.name}" is registered by both "${other}" and "${owner}"`);
    const metric = make();
    this.owners.set(d.name, owner);
    return metric;
  }
}
