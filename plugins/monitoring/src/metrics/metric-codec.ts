import type { ValueTransformer } from 'typeorm';

/**
 * How metric values are stored: as integers in a fixed unit per metric (issue 19). SQLite keeps a
 * small integer in 1–4 bytes where a REAL always takes 8, and samples and rollups are millions of
 * rows. Every reader and writer outside SQL goes through this module: the entities' transformers
 * (the poller's inserts, the latest samples), the history reader's decoding, the benchmark's
 * generator. SQL aggregates work on the stored integers (MIN/MAX keep the unit; averages are
 * rounded back to it), so a rollup holds the same unit as the samples it comes from.
 *
 * Precision (what a stored value can be off by from the measured one: half a unit):
 * - CPU percent: hundredths of a percent (0.01 %).
 * - Load averages: hundredths (0.01), as /proc/loadavg gives them.
 * - SSH latency: tenths of a millisecond (0.1 ms), as the poller measures it.
 * - Bytes (memory, disk, Docker disk, a container's memory): KiB. /proc/meminfo and `df -k` report
 *   KiB, and cgroup memory is counted in pages, so samples lose nothing; averages are whole KiB.
 * - Uptime: seconds, as before.
 */
type Unit = { per: number } | { of: number };

/** Stored value = measured × `per`, or measured ÷ `of`, rounded to an integer. */
const UNITS: Record<string, Unit> = {
  cpuPercent: { per: 100 },
  load1: { per: 100 },
  load5: { per: 100 },
  load15: { per: 100 },
  latencyMs: { per: 10 },
  memTotalBytes: { of: 1024 },
  memUsedBytes: { of: 1024 },
  diskTotalBytes: { of: 1024 },
  diskUsedBytes: { of: 1024 },
  dockerDiskTotalBytes: { of: 1024 },
  dockerDiskUsedBytes: { of: 1024 },
  memBytes: { of: 1024 },
  uptimeSeconds: { per: 1 },
};

/** A sample column (`cpuPercent`) or a rollup column of it (`cpuPercentAvg`); counts (`samples`, `cpuPercentSamples`) have no unit. */
function unitOf(column: string): Unit | null {
  return UNITS[column] ?? UNITS[column.replace(/(Min|Avg|Max)$/, '')] ?? null;
}

/** Whether the column holds a scaled metric value (rather than a count or a key). */
export function isScaled(column: string): boolean {
  return unitOf(column) !== null;
}

/** One stored unit in measured terms (0.01 for CPU percent, 1024 for bytes), what a value may be off by; null for a column without a unit. */
export function precisionOf(column: string): number | null {
  const unit = unitOf(column);
  if (!unit) return null;
  return 'per' in unit ? 1 / unit.per : unit.of;
}

/** A measured value as stored; null (or undefined, NaN) stays null. */
export function encodeMetric(column: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined || Number.isNaN(value)) return null;
  const unit = unitOf(column);
  if (!unit) return value;
  return Math.round('per' in unit ? value * unit.per : value / unit.of);
}

/** A stored value (SQLite may hand back a string for a big integer, a float for an average) as measured; null stays null. */
export function decodeMetric(column: string, stored: number | string | null | undefined): number | null {
  if (stored === null || stored === undefined) return null;
  const value = Number(stored);
  const unit = unitOf(column);
  if (!unit) return value;
  // Divided by an integer (not multiplied by 0.01): 1234 / 100 is the double 12.34 exactly as typed.
  return 'per' in unit ? value / unit.per : value * unit.of;
}

/** The entity columns' transformer: measured values in the entity, integers in the table. */
export function storedAs(column: string): ValueTransformer {
  if (!unitOf(column)) throw new Error(`metric-codec: no unit for column ${column}`);
  return {
    to: (value: number | null | undefined) => encodeMetric(column, value),
    from: (stored: number | string | null | undefined) => decodeMetric(column, stored),
  };
}
