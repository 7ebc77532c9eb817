import type { Metric, Registry } from 'prom-client';
import { lazyModule } from '../lazy/lazy-module';
import type { MetricCounter, MetricDefinition, MetricGauge, MetricHistogram, MetricsRegistrar } from './metrics-types';
import { SeriesCounter, SeriesGauge, SeriesHistogram } from './series-metrics';

const NAME_PATTERN = /^tomo_[a-z0-9]+(_[a-z0-9]+)*$/;
/** Durations from a cached answer (5 ms) to a slow SSH command or image pull's request (30 s). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

// prom-client (with its OpenTelemetry API and t-digest) formats `/metrics` and reads Node's process
// metrics; Tomo counts without it (series-metrics.ts). So it is loaded by the first scrape: an
// instance nobody scrapes never holds it (issue 19, idle memory and start-up).
const promClient = lazyModule<typeof import('prom-client')>(require, 'prom-client');

/**
 * How long the first scrape waits after Node's process metrics start: the event-loop delay
 * monitor needs a few of its 10 ms samples, or its minimum and mean read as nonsense once.
 */
const FIRST_SCRAPE_SETTLE_MS = 50;

type SeriesMetric = SeriesCounter | SeriesHistogram | SeriesGauge;

/**
 * One kernel's metrics: what the kernel and plugins register (counted by Tomo itself), and, from
 * the first scrape on, Node's process metrics (memory, CPU, event-loop lag, open files) under their
 * standard names, all formatted by a prom-client registry of its own (tests run many kernels in one
 * process, each must count alone).
 */
export class MetricsRegistry implements MetricsRegistrar {
  /** Who registered each name, for the error when a second one tries. */
  private readonly owners = new Map<string, string>();
  private readonly metrics: SeriesMetric[] = [];
  /** The prom-client registry, made by the first scrape. */
  private registry?: Registry;
  private serving?: Promise<Registry>;

  /** The registrar a plugin gets: the same registry, with its id for error messages. */
  forOwner(owner: string): MetricsRegistrar {
    return {
      counter: (d) => this.add(owner, d, () => new SeriesCounter(d.name, d.help, d.labelNames ?? [])),
      histogram: (d) => this.add(owner, d, () => new SeriesHistogram(d.name, d.help, d.labelNames ?? [], d.buckets ?? DURATION_BUCKETS)),
      gauge: (d) => this.add(owner, d, () => new SeriesGauge(d.name, d.help, d.labelNames ?? [], d.collect)),
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
    const registry = await (this.serving ??= this.startServing());
    return { contentType: registry.contentType, text: await registry.metrics() };
  }

  private async startServing(): Promise<Registry> {
    const { Registry, collectDefaultMetrics } = promClient();
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    for (const metric of this.metrics) registry.registerMetric(metric as unknown as Metric);
    this.registry = registry;
    await new Promise((resolve) => setTimeout(resolve, FIRST_SCRAPE_SETTLE_MS));
    return registry;
  }

  private add<T extends SeriesMetric>(owner: string, d: MetricDefinition<string>, make: () => T): T {
    if (!NAME_PATTERN.test(d.name)) throw new Error(`Metric "${d.name}" of "${owner}": the name must start with tomo_ and use lower-case letters, digits and single underscores`);
    const other = this.owners.get(d.name);
    if (other) throw new Error(`Metric "${d.name}" is registered by both "${other}" and "${owner}"`);
    const metric = make();
    this.owners.set(d.name, owner);
    this.metrics.push(metric);
    this.registry?.registerMetric(metric as unknown as Metric);
    return metric;
  }
}
