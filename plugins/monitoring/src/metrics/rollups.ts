import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Clock } from '@tomo/kernel';

/**
 * Rollups: raw samples summed up into 5-minute buckets, 5-minute buckets into hourly ones (min,
 * average and max of each value, averages weighted by how many samples had the value), each step
 * one `INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE` per chunk of time. Incremental: a
 * watermark per series and resolution says up to where every bucket is rolled up; a bucket is
 * rolled only once it is complete (raw: {@link ROLLUP_GRACE_SECONDS} after its end, so a poll
 * that is still running lands first; hourly: once its twelve 5-minute buckets are rolled).
 * Idempotent: running again rewrites the same rows with the same figures. Retention removes each
 * level by its own age, and a finer level only below the coarser level's watermark.
 * Values are the stored integers of metric-codec.ts: minima and maxima keep them, averages are
 * rounded to the same unit (an average stored as a REAL would take 8 bytes again).
 */

/** The resolutions kept, in seconds: 5 minutes and 1 hour. */
export const RESOLUTIONS = { '5m': 300, '1h': 3600 } as const;
export type Resolution = keyof typeof RESOLUTIONS;

/** A raw sample is rolled up this long after its bucket ended at the earliest (polls may still be running). */
export const ROLLUP_GRACE_SECONDS = 120;

/**
 * One chunk of work (one statement, the event loop given back between two) covers at most this
 * much time: 3 hours of raw samples, a day of 5-minute rows (at 200 servers polled every 30 s,
 * 72,000 and 57,600 rows). A running Tomo rolls a minute or two at a time; only a catch-up (after
 * an upgrade or a long stop) needs many chunks.
 */
const CHUNK_SECONDS: Record<number, number> = { 300: 3 * 3600, 3600: 86400 };

type Agg = 'Min' | 'Avg' | 'Max';

/** A raw column and what its rollup keeps of it (`<column>Min`, `<column>Avg`, `<column>Max`). */
export interface Measure {
  column: string;
  aggs: Agg[];
  /** Keep `<column>Samples`, the samples that had a value, to weight its average exactly (for values that may be missing in some samples of a bucket). */
  counted?: boolean;
}

/** A raw table and its rollup table. */
export interface SeriesSpec {
  /** Raw samples: `<key>`, `ts` (epoch s) and the measures' columns, indexed by (`<key>`, `ts`). */
  raw: string;
  /** Rollups: `<key>`, `resolution`, `ts`, `samples`, the measures' columns; primary key (`<key>`, `resolution`, `ts`). Also the watermark's name. */
  rollup: string;
  /** The integer series key (`metric_series.id`, `container_series.id`). */
  key: string;
  measures: Measure[];
  /** How a stored value reads as a measured one: metric-codec's scaled integers unless said otherwise. */
  decode?: (column: string, stored: number | string | null | undefined) => number | null;
}

export const SERVER_SERIES: SeriesSpec = {
  raw: 'metric_samples',
  rollup: 'metric_rollups',
  key: 'seriesId',
  measures: [
    { column: 'cpuPercent', aggs: ['Min', 'Avg', 'Max'], counted: true },
    { column: 'memUsedBytes', aggs: ['Avg', 'Max'] },
    { column: 'memTotalBytes', aggs: ['Max'] },
    { column: 'diskUsedBytes', aggs: ['Avg', 'Max'] },
    { column: 'diskTotalBytes', aggs: ['Max'] },
    { column: 'dockerDiskUsedBytes', aggs: ['Avg', 'Max'] },
    { column: 'dockerDiskTotalBytes', aggs: ['Max'] },
    { column: 'load1', aggs: ['Avg', 'Max'] },
    { column: 'latencyMs', aggs: ['Avg', 'Max'] },
  ],
};

/** Tomo-managed containers: one series per installation (its server is in `container_series`). */
export const CONTAINER_SERIES: SeriesSpec = {
  raw: 'container_samples',
  rollup: 'container_rollups',
  key: 'seriesId',
  measures: [
    { column: 'cpuPercent', aggs: ['Min', 'Avg', 'Max'], counted: true },
    { column: 'memBytes', aggs: ['Avg', 'Max'] },
  ],
};

/** Every series the monitoring plugin rolls up. */
export const ALL_SERIES = [SERVER_SERIES, CONTAINER_SERIES];

/** The rollup table's value columns, in order: `samples`, then per measure its count and aggregates. */
export function rollupColumns(spec: SeriesSpec): string[] {
  return ['samples', ...spec.measures.flatMap((m) => [...(m.counted ? [`${m.column}Samples`] : []), ...m.aggs.map((a) => `${m.column}${a}`)])];
}

/** Expressions over raw rows (alias `s`) giving {@link rollupColumns}. */
function fromRaw(spec: SeriesSpec): string[] {
  const fn: Record<Agg, (col: string) => string> = { Min: (c) => `MIN(${c})`, Avg: (c) => `ROUND(AVG(${c}))`, Max: (c) => `MAX(${c})` };
  return ['COUNT(*)', ...spec.measures.flatMap((m) => [...(m.counted ? [`COUNT(s.${m.column})`] : []), ...m.aggs.map((a) => fn[a](`s.${m.column}`))])];
}

/**
 * Expressions over rollup rows (alias `r`) giving {@link rollupColumns} of a coarser bucket:
 * sums of counts, min of minima, max of maxima, averages weighted by the samples behind them
 * (rounded to the stored unit with `roundAverages`, for rows that are stored; a query keeps them exact).
 */
export function fromRollups(spec: SeriesSpec, alias = 'r', roundAverages = false): string[] {
  return [
    `SUM(${alias}.samples)`,
    ...spec.measures.flatMap((m) => {
      const weight = m.counted ? `${alias}.${m.column}Samples` : `${alias}.samples`;
      return [
        ...(m.counted ? [`SUM(${weight})`] : []),
        ...m.aggs.map((a) => {
          const col = `${alias}.${m.column}${a}`;
          if (a === 'Min') return `MIN(${col})`;
          if (a === 'Max') return `MAX(${col})`;
          const avg = `SUM(${col} * ${weight}) * 1.0 / SUM(CASE WHEN ${col} IS NOT NULL THEN ${weight} END)`;
          return roundAverages ? `ROUND(${avg})` : avg;
        }),
      ];
    }),
  ];
}

/**
 * Raw rows (alias `s`) as one-sample rollup rows, for queries that combine the raw tail not yet
 * rolled up with the rollups: the same columns as {@link rollupColumns}.
 */
export function rawAsRollup(spec: SeriesSpec): string[] {
  return ['1', ...spec.measures.flatMap((m) => [...(m.counted ? [`CASE WHEN s.${m.column} IS NULL THEN 0 ELSE 1 END`] : []), ...m.aggs.map(() => `s.${m.column}`)])];
}

/**
 * `ids(id)`: the distinct keys of a table, found by one index seek each (a loose index scan), so
 * a time range can then be read key by key through the (key, ts) index rather than by a scan.
 */
function distinctKeys(table: string, key: string): string {
  return `WITH RECURSIVE ids(id) AS (SELECT MIN(${key}) FROM ${table} UNION ALL SELECT (SELECT MIN(${key}) FROM ${table} WHERE ${key} > ids.id) FROM ids WHERE ids.id IS NOT NULL)`;
}

const floorTo = (ts: number, step: number) => ts - (((ts % step) + step) % step);
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface RollupReport {
  /** Buckets written (or rewritten) per rollup table and resolution, e.g. `{ 'metric_rollups:300': 12 }`. */
  written: Record<string, number>;
  durationMs: number;
}

export interface RetentionSettings {
  rawHours: number;
  fiveMinuteDays: number;
  hourlyDays: number;
}

/** The rollup job and retention over one or more series. */
export class Rollups {
  /** The last queued job (a run or a retention): jobs run one after the other, never together. */
  private running: Promise<unknown> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly series: SeriesSpec[] = ALL_SERIES,
  ) {}

  /** Rolls up every series once (after the job in flight, if any). */
  run(): Promise<RollupReport> {
    return this.queue(() => this.runOnce());
  }

  /** Rolls up, then applies retention, as one job (so {@link stop} waits for both). */
  maintain(settings: RetentionSettings): Promise<{ rollup: RollupReport; removed: { raw: number; fiveMinute: number; hourly: number } }> {
    return this.queue(async () => ({ rollup: await this.runOnce(), removed: await this.pruneOnce(settings) }));
  }

  private queue<T>(job: () => Promise<T>): Promise<T> {
    const previous = this.running ?? Promise.resolve(null);
    const next = previous.catch(() => null).then(job);
    this.running = next;
    void next
      .finally(() => {
        if (this.running === next) this.running = null;
      })
      .catch(() => undefined);
    return next;
  }

  /**
   * Runs every `intervalMs` (the timer does not keep the process alive); a tick while a job is
   * still running is skipped, and so is one while `leads()` says another instance does this work.
   */
  start(intervalMs = 60000, leads: () => boolean = () => true): void {
    this.stopTimer();
    this.timer = setInterval(() => {
      if (this.running || !leads()) return;
      this.run().catch((err: Error) => this.logger.error({ err }, 'Metrics rollup failed'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for the jobs queued (runs and retention). */
  async stop(): Promise<void> {
    this.stopTimer();
    await this.running?.catch(() => undefined);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Where the rollups of a series reach: every bucket of that resolution starting before it is rolled up (null: none yet). */
  async watermark(series: SeriesSpec, resolution: number): Promise<number | null> {
    return readWatermark(this.dataSource, series.rollup, resolution);
  }

  private async runOnce(): Promise<RollupReport> {
    const started = Date.now();
    const written: Record<string, number> = {};
    const now = Math.floor(this.clock.now().getTime() / 1000);
    for (const spec of this.series) {
      const fiveMinutesBefore = floorTo(now - ROLLUP_GRACE_SECONDS, RESOLUTIONS['5m']);
      written[`${spec.rollup}:300`] = await this.step(spec, RESOLUTIONS['5m'], null, fiveMinutesBefore);
      const rolled5m = await this.watermark(spec, RESOLUTIONS['5m']);
      written[`${spec.rollup}:3600`] = rolled5m === null ? 0 : await this.step(spec, RESOLUTIONS['1h'], RESOLUTIONS['5m'], floorTo(rolled5m, RESOLUTIONS['1h']));
    }
    return { written, durationMs: Date.now() - started };
  }

  /** Rolls `source` (raw when null) into `resolution` from the watermark up to `completeBefore`, chunk by chunk. */
  private async step(spec: SeriesSpec, resolution: number, source: number | null, completeBefore: number): Promise<number> {
    let from = await this.watermark(spec, resolution);
    if (from === null) {
      const earliest = await this.earliest(spec, source);
      if (earliest === null) return 0;
      from = floorTo(earliest, resolution);
    }
    let written = 0;
    while (from < completeBefore) {
      const to = Math.min(completeBefore, floorTo(from, CHUNK_SECONDS[resolution]) + CHUNK_SECONDS[resolution]);
      const n = await this.rollChunk(spec, resolution, source, from, to);
      written += n;
      if (n > 0) from = to;
      else {
        // An empty chunk (a gap in the data): carry on from the next bucket with data, if it is complete.
        const next = await this.earliest(spec, source, to);
        from = next === null ? completeBefore : Math.min(completeBefore, Math.max(to, floorTo(next, resolution)));
      }
      await writeWatermark(this.dataSource, spec.rollup, resolution, from);
      if (from < completeBefore) await yieldToEventLoop();
    }
    return written;
  }

  /** The oldest `ts` of a level (raw when `source` is null), at or after `since` if given. */
  private async earliest(spec: SeriesSpec, source: number | null, since: number | null = null): Promise<number | null> {
    const table = source === null ? spec.raw : spec.rollup;
    const onLevel = source === null ? '' : ` AND resolution = ${source}`;
    const rows: Array<{ earliest: number | null }> = await this.dataSource.query(
      `${distinctKeys(table, spec.key)} SELECT MIN((SELECT MIN(ts) FROM ${table} WHERE ${spec.key} = ids.id${onLevel}${since === null ? '' : ' AND ts >= ?'})) AS earliest FROM ids WHERE ids.id IS NOT NULL`,
      since === null ? [] : [since],
    );
    return rows[0]?.earliest === null || rows[0]?.earliest === undefined ? null : Number(rows[0].earliest);
  }

  private async rollChunk(spec: SeriesSpec, resolution: number, source: number | null, from: number, to: number): Promise<number> {
    const columns = rollupColumns(spec);
    const table = source === null ? spec.raw : spec.rollup;
    const alias = source === null ? 's' : 'r';
    const values = source === null ? fromRaw(spec) : fromRollups(spec, 'r', true);
    const sql = [
      distinctKeys(table, spec.key),
      `INSERT INTO ${spec.rollup} (${[spec.key, 'resolution', 'ts', ...columns].join(', ')})`,
      `SELECT ${[`${alias}.${spec.key}`, String(resolution), `${alias}.ts - (${alias}.ts % ${resolution})`, ...values].join(', ')}`,
      `FROM ${table} ${alias}`,
      `WHERE ${alias}.${spec.key} IN (SELECT id FROM ids WHERE id IS NOT NULL)${source === null ? '' : ` AND ${alias}.resolution = ${source}`} AND ${alias}.ts >= ? AND ${alias}.ts < ?`,
      `GROUP BY ${alias}.${spec.key}, ${alias}.ts - (${alias}.ts % ${resolution})`,
      `ON CONFLICT (${spec.key}, resolution, ts) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    ].join('\n');
    return changes(this.dataSource, sql, [from, to]);
  }

  /**
   * Deletes raw samples, 5-minute and hourly rollups past their ages; raw samples and 5-minute
   * rows only where the next level already covers them. Returns the rows removed per level.
   */
  prune(settings: RetentionSettings): Promise<{ raw: number; fiveMinute: number; hourly: number }> {
    return this.queue(() => this.pruneOnce(settings));
  }

  private async pruneOnce(settings: RetentionSettings): Promise<{ raw: number; fiveMinute: number; hourly: number }> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const removed = { raw: 0, fiveMinute: 0, hourly: 0 };
    for (const spec of this.series) {
      const rolled5m = await this.watermark(spec, RESOLUTIONS['5m']);
      const rolled1h = await this.watermark(spec, RESOLUTIONS['1h']);
      if (rolled5m !== null) removed.raw += await this.deleteBefore(spec, null, Math.min(now - settings.rawHours * 3600, rolled5m));
      if (rolled1h !== null) removed.fiveMinute += await this.deleteBefore(spec, RESOLUTIONS['5m'], Math.min(now - settings.fiveMinuteDays * 86400, rolled1h));
      removed.hourly += await this.deleteBefore(spec, RESOLUTIONS['1h'], now - settings.hourlyDays * 86400);
    }
    return removed;
  }

  /**
   * Deletes a level's rows before `before`, a slice of time per statement (the same spans as the
   * rollup's chunks), the event loop given back between two. By time, not key by key: raw rows
   * lie in the order they were written, every server's side by side, so one server's day is
   * spread over thousands of pages, and deleting server by server rewrote each page 200 times.
   */
  private async deleteBefore(spec: SeriesSpec, resolution: number | null, before: number): Promise<number> {
    const table = resolution === null ? spec.raw : spec.rollup;
    const onLevel = resolution === null ? '' : ` AND resolution = ${resolution}`;
    const slice = CHUNK_SECONDS[resolution === null ? RESOLUTIONS['5m'] : RESOLUTIONS['1h']];
    let removed = 0;
    let from = (await this.earliest(spec, resolution)) ?? before;
    while (from < before) {
      const to = Math.min(before, from + slice);
      const n = await changes(this.dataSource, `${distinctKeys(table, spec.key)} DELETE FROM ${table} WHERE ${spec.key} IN (SELECT id FROM ids WHERE id IS NOT NULL)${onLevel} AND ts >= ? AND ts < ?`, [from, to]);
      removed += n;
      // An empty slice (a gap in the data): jump to the next row rather than walk the gap.
      from = n === 0 ? Math.max(to, (await this.earliest(spec, resolution, to)) ?? before) : to;
      if (from < before) await yieldToEventLoop();
    }
    return removed;
  }
}

/** Runs a writing statement; the rows it changed. */
async function changes(dataSource: DataSource, sql: string, parameters: unknown[]): Promise<number> {
  const runner = dataSource.createQueryRunner();
  try {
    return (await runner.query(sql, parameters, true)).affected ?? 0;
  } finally {
    await runner.release();
  }
}

export async function readWatermark(dataSource: DataSource, series: string, resolution: number): Promise<number | null> {
  const rows: Array<{ watermark: number }> = await dataSource.query('SELECT watermark FROM metric_rollup_watermarks WHERE series = ? AND resolution = ?', [series, resolution]);
  return rows.length ? Number(rows[0].watermark) : null;
}

async function writeWatermark(dataSource: DataSource, series: string, resolution: number, watermark: number): Promise<void> {
  await dataSource.query(
    'INSERT INTO metric_rollup_watermarks (series, resolution, watermark) VALUES (?, ?, ?) ON CONFLICT (series, resolution) DO UPDATE SET watermark = excluded.watermark',
    [series, resolution, watermark],
  );
}
