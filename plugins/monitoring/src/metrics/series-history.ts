import type { DataSource } from 'typeorm';
import { runSql } from '@tomo/kernel';
import { decodeMetric } from './metric-codec';
import { fromRollups, q, rawAsRollup, readWatermark, RESOLUTIONS, rollupColumns, type Resolution, type SeriesSpec } from './rollups';

export type Period = '24h' | '7d' | '30d';

/** Charts get at most this many points. */
export const MAX_POINTS = 288;

/** What a period is read from: its bucket length and the rollup level that has buckets of it. */
export const PERIOD_PLAN: Record<Period, { bucketSeconds: number; points: number; level: Resolution }> = {
  '24h': { bucketSeconds: 300, points: 288, level: '5m' }, // 5-minute rollups as they are
  '7d': { bucketSeconds: 3600, points: 168, level: '1h' }, // hourly rollups as they are
  '30d': { bucketSeconds: 10800, points: 240, level: '1h' }, // hourly rollups, three per point
};

const LEVEL_NAMES = ['raw', '5m', '1h'] as const;
export type SeriesResolution = (typeof LEVEL_NAMES)[number];

export interface SeriesBuckets {
  bucketSeconds: number;
  /** The coarsest stored level the points came from: `1h` or `5m` rollups, or `raw` when none of the period is rolled up yet. */
  resolution: SeriesResolution;
  /** One row per bucket with data, oldest first: `bucket` (its start, epoch s) and the rollup columns (`samples`, `cpuPercentAvg`, …) in measured units (percent, bytes, ms). */
  rows: Array<Record<string, number | null> & { bucket: number }>;
}

/**
 * One key's series over a period, at most {@link MAX_POINTS} buckets, read from the level the
 * period calls for up to its watermark, then from the finer levels not yet rolled up: hourly rows,
 * then 5-minute rows, then raw samples aggregated on the fly, so the latest minutes (and a server
 * polled for the first time a minute ago) are there too. `key` is the series' integer (null: none yet). The ranges do not overlap: each level is
 * read from where the coarser one stops.
 */
export async function readSeries(dataSource: DataSource, spec: SeriesSpec, key: number | null, period: Period, nowSeconds: number): Promise<SeriesBuckets> {
  const { bucketSeconds: bucket, points, level } = PERIOD_PLAN[period];
  if (key === null) return { bucketSeconds: bucket, resolution: level, rows: [] }; // no series: never sampled
  const until = nowSeconds - (nowSeconds % bucket) + bucket;
  const since = until - points * bucket;
  const rolled5m = (await readWatermark(dataSource, spec.rollup, RESOLUTIONS['5m'])) ?? since;
  const rolled1h = level === '1h' ? ((await readWatermark(dataSource, spec.rollup, RESOLUTIONS['1h'])) ?? since) : since;
  const columns = rollupColumns(spec);
  // Quoted aliases: the rows come back with the camelCase names on PostgreSQL too.
  const cols = (exprs: string[]) => exprs.map((e, i) => `${e} AS ${q(columns[i])}`).join(', ');
  const rollupBranch = (lvl: number, resolution: number) =>
    `SELECT r."ts" - (r."ts" % ${bucket}) AS bucket, ${lvl} AS lvl, ${cols(columns.map((c) => q(c, 'r')))} FROM ${q(spec.rollup)} r WHERE ${q(spec.key, 'r')} = ? AND r."resolution" = ${resolution} AND r."ts" >= ? AND r."ts" < ?`;
  const branches: string[] = [];
  const params: unknown[] = [];
  if (level === '1h') {
    branches.push(rollupBranch(2, RESOLUTIONS['1h']));
    params.push(key, since, Math.max(since, rolled1h));
  }
  branches.push(rollupBranch(1, RESOLUTIONS['5m']));
  params.push(key, Math.max(since, rolled1h), Math.max(since, rolled5m));
  branches.push(`SELECT s."ts" - (s."ts" % ${bucket}) AS bucket, 0 AS lvl, ${cols(rawAsRollup(spec))} FROM ${q(spec.raw)} s WHERE ${q(spec.key, 's')} = ? AND s."ts" >= ? AND s."ts" < ?`);
  params.push(key, Math.max(since, rolled5m), until);
  const sql = `SELECT u.bucket AS bucket, MAX(u.lvl) AS lvl, ${cols(fromRollups(spec, 'u'))} FROM (${branches.join(' UNION ALL ')}) u GROUP BY u.bucket ORDER BY u.bucket`;
  const raw = await runSql(dataSource, sql, params);
  const decode = spec.decode ?? decodeMetric;
  const rows = raw.map((r) => {
    const row: Record<string, number | null> & { bucket: number } = { bucket: Number(r.bucket) };
    // Stored integers back to measured values (counts pass through as they are).
    for (const c of columns) row[c] = decode(c, r[c] as number | string | null | undefined);
    return row;
  });
  const coarsest = raw.reduce((m, r) => Math.max(m, Number(r.lvl)), 0);
  return { bucketSeconds: bucket, resolution: raw.length ? LEVEL_NAMES[coarsest] : level, rows };
}
