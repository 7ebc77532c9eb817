/**
 * Rollups and retention on a real database (SQLite, or PostgreSQL with TOMO_TEST_DATABASE_URL; the plugin's migrations), driven by a fake clock
 * set years ahead (so the plugin's own job, on the wall clock, finds nothing complete to roll):
 * min/avg/max per bucket within one stored unit (metric-codec: 0.01 %, 0.01 load, 0.1 ms, 1 KiB), idempotent re-runs, incremental runs equal to one run over
 * everything, incomplete buckets left alone, retention per level by age and never ahead of the
 * next level, and the period queries (resolution, number of points, the raw tail).
 */
import fs from 'node:fs';
import { runSql } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { authPlugin } from '../../auth/src/plugin';
import { serversPlugin } from '../../servers/src/plugin';
import { preparationPlugin } from '../../preparation/src/plugin';
import { appsPlugin } from '../../apps/src/plugin';
import { monitoringConfigSchema } from '../src/config';
import { MetricSampleEntity } from '../src/entities/metric-sample.entity';
import { monitoringPlugin } from '../src/plugin';
import { ContainerSampleEntity } from '../src/entities/container-sample.entity';
import { decodeMetric, precisionOf } from '../src/metrics/metric-codec';
import { CONTAINER_SERIES, ROLLUP_GRACE_SECONDS, Rollups, SERVER_SERIES } from '../src/metrics/rollups';
import { MAX_POINTS, readSeries } from '../src/metrics/series-history';

const PLUGINS = [authPlugin, serversPlugin, preparationPlugin, appsPlugin, monitoringPlugin];
/** 2040-01-01T00:00:00Z: a whole day, far ahead of the wall clock. */
const T0 = Date.UTC(2040, 0, 1) / 1000;
const HOUR = 3600;
const DAY = 86400;
/** Two servers' series keys (`metric_series.id`; the rollups only need the integer). */
const A = 1;
const B = 2;

let t: TestKernel;
let ds: DataSource;
let now = T0;
const clock = { now: () => new Date(now * 1000) };
const rollups = () => new Rollups(ds, clock, pino({ level: 'silent' }));

beforeAll(async () => {
  t = await startTestKernel({ plugins: PLUGINS, listen: false });
  ds = t.kernel.dataSource;
});
afterAll(async () => {
  await t?.stop();
});
beforeEach(async () => {
  for (const table of ['metric_samples', 'metric_rollups', 'container_samples', 'container_rollups', 'metric_rollup_watermarks']) await runSql(ds, `DELETE FROM ${table}`);
});

interface Sample {
  seriesId: number;
  ts: number;
  cpuPercent: number | null;
  memUsedBytes: number;
  memTotalBytes: number;
  load1: number;
  latencyMs: number;
}

/** Samples every `step` seconds in [from, to): CPU missing every 17th (as after a failed poll), the rest varying. */
function samples(seriesId: number, from: number, to: number, step: number): Sample[] {
  const out: Sample[] = [];
  for (let ts = from, i = 0; ts < to; ts += step, i++) {
    out.push({ seriesId, ts, cpuPercent: i % 17 === 5 ? null : (i * 37) % 100 + 0.25, memUsedBytes: 1e9 + (i % 50) * 1e6, memTotalBytes: 4e9 + (i % 3), load1: (i % 7) / 2, latencyMs: 1 + (i % 5) });
  }
  return out;
}

async function insert(list: Sample[]): Promise<void> {
  const repo = ds.getRepository(MetricSampleEntity);
  for (let i = 0; i < list.length; i += 500) await repo.insert(list.slice(i, i + 500).map((s) => ({ ...s, diskTotalBytes: 1e11, diskUsedBytes: 5e10 })));
}

/** What a bucket of these samples must hold. */
function expected(list: Sample[]) {
  const cpu = list.map((s) => s.cpuPercent).filter((v): v is number => v !== null);
  const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    samples: list.length,
    cpuPercentSamples: cpu.length,
    cpuPercentMin: cpu.length ? Math.min(...cpu) : null,
    cpuPercentAvg: cpu.length ? avg(cpu) : null,
    cpuPercentMax: cpu.length ? Math.max(...cpu) : null,
    memUsedBytesAvg: avg(list.map((s) => s.memUsedBytes)),
    memUsedBytesMax: Math.max(...list.map((s) => s.memUsedBytes)),
    memTotalBytesMax: Math.max(...list.map((s) => s.memTotalBytes)),
    load1Avg: avg(list.map((s) => s.load1)),
    load1Max: Math.max(...list.map((s) => s.load1)),
    latencyMsAvg: avg(list.map((s) => s.latencyMs)),
    latencyMsMax: Math.max(...list.map((s) => s.latencyMs)),
  };
}

type Row = Record<string, number | string | null>;
/** Stored rows with their values read back as measured (the codec), keys and counts as they are. */
const decoded = (rows: Row[]): Row[] => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, precisionOf(k) === null ? v : decodeMetric(k, v)])));
const rollupRows = async (resolution?: number): Promise<Row[]> =>
  decoded(await runSql(ds, `SELECT * FROM metric_rollups ${resolution ? `WHERE resolution = ${resolution}` : ''} ORDER BY "seriesId", resolution, ts`));

function expectBucket(row: Row | undefined, want: ReturnType<typeof expected>) {
  expect(row).toBeDefined();
  for (const [key, value] of Object.entries(want)) {
    if (value === null) {
      expect({ key, got: row![key] }).toEqual({ key, got: null });
      continue;
    }
    const got = Number(row![key]);
    if (key.endsWith('amples')) expect({ key, got }).toEqual({ key, got: value });
    // Samples are stored rounded to the unit, averages rounded again: never more than one unit off.
    else expect({ key, off: Math.abs(got - value) <= precisionOf(key)! * (1 + 1e-9) ? 0 : [got, value, row!.bucket ?? row!.ts] }).toEqual({ key, off: 0 });
  }
}

describe('the rollup job', () => {
  test('5-minute and hourly buckets hold the min/avg/max of their samples to the stored unit; incomplete buckets wait', async () => {
    // Two hours and a quarter of samples every 30 s for A, every 60 s for B; the clock 2h10m in.
    const a = samples(A, T0, T0 + 2 * HOUR + 15 * 60, 30);
    const b = samples(B, T0 + 600, T0 + 2 * HOUR, 60);
    now = T0 + 2 * HOUR + 10 * 60;
    // The polls of the last 30 s are still running: their samples land after this run.
    const inFlight = a.filter((s) => s.ts >= now - 30);
    await insert([...a.filter((s) => s.ts < now - 30), ...b]);
    const report = await rollups().run();

    // 5-minute buckets complete ROLLUP_GRACE_SECONDS after their end: up to 2h05 here.
    const completeBefore = now - ROLLUP_GRACE_SECONDS - ((now - ROLLUP_GRACE_SECONDS) % 300);
    expect(completeBefore).toBe(T0 + 2 * HOUR + 300);
    const five = await rollupRows(300);
    expect(report.written['metric_rollups:300']).toBe(five.length);
    expect(five.filter((r) => Number(r.seriesId) === A).map((r) => Number(r.ts))).toEqual(Array.from({ length: 25 }, (_, i) => T0 + i * 300));
    expect(five.filter((r) => Number(r.seriesId) === B)).toHaveLength(22);
    for (const row of five) {
      const inBucket = [...a, ...b].filter((s) => s.seriesId === Number(row.seriesId) && s.ts >= Number(row.ts) && s.ts < Number(row.ts) + 300);
      expectBucket(row, expected(inBucket));
    }
    // Hourly: the two whole hours (their twelve 5-minute buckets are rolled), averages weighted exactly.
    const hourly = await rollupRows(3600);
    expect(hourly.map((r) => [Number(r.seriesId), Number(r.ts)])).toEqual([[A, T0], [A, T0 + HOUR], [B, T0], [B, T0 + HOUR]]);
    for (const row of hourly) {
      expectBucket(row, expected([...a, ...b].filter((s) => s.seriesId === Number(row.seriesId) && s.ts >= Number(row.ts) && s.ts < Number(row.ts) + HOUR)));
    }

    // Running again changes nothing.
    const before = await rollupRows();
    const again = await rollups().run();
    expect(again.written).toEqual({ 'metric_rollups:300': 0, 'metric_rollups:3600': 0, 'container_rollups:300': 0, 'container_rollups:3600': 0 });
    expect(await rollupRows()).toEqual(before);

    // Samples that land late, in buckets not complete yet, are counted when those are rolled.
    await insert(inFlight);
    now += 15 * 60;
    await rollups().run();
    for (const start of [T0 + 2 * HOUR + 300, T0 + 2 * HOUR + 600]) {
      const bucket = (await rollupRows(300)).find((r) => Number(r.seriesId) === A && Number(r.ts) === start);
      expectBucket(bucket, expected(a.filter((s) => s.ts >= start && s.ts < start + 300)));
      expect(Number(bucket!.samples)).toBe(10);
    }
  });

  test('incremental runs, minute by minute, give the same rows as one run over everything; rewriting is idempotent', async () => {
    const list = samples(A, T0, T0 + 3 * HOUR, 30);
    const job = rollups();
    for (now = T0 + 60; now <= T0 + 3 * HOUR; now += 60) {
      await insert(list.filter((s) => s.ts >= now - 60 && s.ts < now));
      await job.run();
    }
    const incremental = await rollupRows();
    expect(incremental.length).toBeGreaterThan(30);

    await runSql(ds, 'DELETE FROM metric_rollups');
    await runSql(ds, 'DELETE FROM metric_rollup_watermarks');
    await rollups().run();
    expect(await rollupRows()).toEqual(incremental);

    // Forgetting the watermarks (rows kept) rolls everything again onto the same rows: same figures.
    await runSql(ds, 'DELETE FROM metric_rollup_watermarks');
    const rerun = await rollups().run();
    expect(rerun.written['metric_rollups:300']).toBe(incremental.filter((r) => Number(r.resolution) === 300).length);
    expect(await rollupRows()).toEqual(incremental);
  });
});

describe('the timer', () => {
  test('start() rolls up on its interval until stop()', async () => {
    now = T0 + HOUR;
    await insert(samples(A, T0, T0 + HOUR, 30));
    const job = rollups();
    job.start(50);
    try {
      for (const deadline = Date.now() + 5000; (await rollupRows(300)).length < 11; ) {
        if (Date.now() > deadline) throw new Error('the timer did not roll up');
        await new Promise((r) => setTimeout(r, 20));
      }
      now = T0 + 2 * HOUR;
      await insert(samples(A, T0 + HOUR, T0 + 2 * HOUR, 30));
      for (const deadline = Date.now() + 5000; (await rollupRows(300)).length < 23; ) {
        if (Date.now() > deadline) throw new Error('the timer did not roll up the next hour');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await job.stop();
    }
    // Stopped: new complete buckets stay as they are.
    now = T0 + 3 * HOUR;
    await insert(samples(A, T0 + 2 * HOUR, T0 + 3 * HOUR, 30));
    await new Promise((r) => setTimeout(r, 300));
    expect(await rollupRows(300)).toHaveLength(23);
  });
});

describe('containers', () => {
  test("an app's samples are rolled up the same way, read by period and pruned by the same ages", async () => {
    const I = 7; // the app's series key (`container_series.id`)
    // Memory in whole 4 KiB pages, as cgroups count it: stored in KiB without loss, so the maxima are exact.
    const list = Array.from({ length: 240 }, (_, i) => ({ seriesId: I, ts: T0 + i * 30, cpuPercent: i % 17 === 3 ? null : (i * 13) % 50 + 0.5, memBytes: (50_000 + (i % 9) * 250) * 4096 }));
    const repo = ds.getRepository(ContainerSampleEntity);
    for (let i = 0; i < list.length; i += 100) await repo.insert(list.slice(i, i + 100));
    now = T0 + 2 * HOUR + ROLLUP_GRACE_SECONDS;
    const job = rollups();
    await job.run();
    const rows: Row[] = decoded(await runSql(ds, 'SELECT * FROM container_rollups ORDER BY resolution, ts'));
    expect(rows.map((r) => [Number(r.resolution), Number(r.ts)])).toEqual([...Array.from({ length: 24 }, (_, i) => [300, T0 + i * 300]), [3600, T0], [3600, T0 + HOUR]]);
    for (const row of rows) {
      expect(Number(row.seriesId)).toBe(I);
      const inBucket = list.filter((s) => s.ts >= Number(row.ts) && s.ts < Number(row.ts) + Number(row.resolution));
      const cpu = inBucket.map((s) => s.cpuPercent).filter((v): v is number => v !== null);
      expect({ samples: Number(row.samples), cpuPercentSamples: Number(row.cpuPercentSamples), min: row.cpuPercentMin, max: row.cpuPercentMax, memMax: Number(row.memBytesMax) }).toEqual({
        samples: inBucket.length,
        cpuPercentSamples: cpu.length,
        min: Math.min(...cpu),
        max: Math.max(...cpu),
        memMax: Math.max(...inBucket.map((s) => s.memBytes)),
      });
      expect(Math.abs(Number(row.cpuPercentAvg) - cpu.reduce((a, b) => a + b, 0) / cpu.length)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(Number(row.memBytesAvg) - inBucket.reduce((a, s) => a + s.memBytes, 0) / inBucket.length)).toBeLessThanOrEqual(1024);
    }
    const week = await readSeries(ds, CONTAINER_SERIES, I, '7d', now);
    expect({ resolution: week.resolution, bucketSeconds: week.bucketSeconds, samples: week.rows.map((r) => r.samples) }).toEqual({ resolution: '1h', bucketSeconds: 3600, samples: [120, 120] });
    now = T0 + 3 * DAY;
    await job.run();
    await job.prune({ rawHours: 48, fiveMinuteDays: 2, hourlyDays: 3 });
    expect(await repo.count()).toBe(0);
    const left: Row[] = await runSql(ds, 'SELECT resolution, COUNT(*) AS n FROM container_rollups GROUP BY resolution');
    expect(left.map((r) => [Number(r.resolution), Number(r.n)])).toEqual([[3600, 2]]);
  });
});

describe('retention', () => {
  test('each level loses exactly its rows past its age, and raw samples only where rollups cover them', async () => {
    // Five days of samples every 5 minutes for A, and a stray one a year older (a clock that was wrong).
    const list = [...samples(A, T0 - 400 * DAY, T0 - 400 * DAY + 1, 300), ...samples(A, T0, T0 + 5 * DAY, 300)];
    await insert(list);
    now = T0 + 5 * DAY;
    const job = rollups();
    await job.run();
    const settings = { rawHours: 48, fiveMinuteDays: 2, hourlyDays: 3 };
    const fiveBefore = await rollupRows(300);
    const hourlyBefore = await rollupRows(3600);
    // The stray sample is rolled up too, and the year between is skipped, not walked chunk by chunk.
    expect(Number(fiveBefore[0].ts)).toBe(T0 - 400 * DAY);
    expect(fiveBefore).toHaveLength(1 + 5 * 288 - 1);
    const removed = await job.prune(settings);

    const rawLeft: Array<{ ts: number }> = await runSql(ds, 'SELECT ts FROM metric_samples ORDER BY ts');
    expect(rawLeft.map((r) => Number(r.ts))).toEqual(list.filter((s) => s.ts >= now - 48 * HOUR).map((s) => s.ts));
    expect(removed.raw).toBe(list.filter((s) => s.ts < now - 48 * HOUR).length);
    expect(await rollupRows(300)).toEqual(fiveBefore.filter((r) => Number(r.ts) >= now - 2 * DAY));
    expect(removed.fiveMinute).toBe(fiveBefore.filter((r) => Number(r.ts) < now - 2 * DAY).length);
    expect(await rollupRows(3600)).toEqual(hourlyBefore.filter((r) => Number(r.ts) >= now - 3 * DAY));
    expect(removed.hourly).toBe(hourlyBefore.filter((r) => Number(r.ts) < now - 3 * DAY).length);
    expect(removed.hourly).toBeGreaterThan(0);
    // Again: nothing more to remove.
    expect(await job.prune(settings)).toEqual({ raw: 0, fiveMinute: 0, hourly: 0 });
  });

  test('rows past their age stay while the next level does not cover them yet', async () => {
    const list = samples(A, T0, T0 + 2 * DAY, 300);
    await insert(list);
    now = T0 + 2 * DAY;
    const job = rollups();
    expect(await job.prune({ rawHours: 1, fiveMinuteDays: 1, hourlyDays: 1 })).toEqual({ raw: 0, fiveMinute: 0, hourly: 0 }); // nothing rolled up yet
    await job.run();
    // Pretend the job had got only to T0 + 1 day (5-minute) and T0 + 12 h (hourly).
    await runSql(ds, 'UPDATE metric_rollup_watermarks SET watermark = ? WHERE resolution = 300', [T0 + DAY]);
    await runSql(ds, 'UPDATE metric_rollup_watermarks SET watermark = ? WHERE resolution = 3600', [T0 + 12 * HOUR]);
    await job.prune({ rawHours: 1, fiveMinuteDays: 1, hourlyDays: 30 });
    const oldestRaw: Array<{ ts: number }> = await runSql(ds, 'SELECT MIN(ts) AS ts FROM metric_samples');
    expect(Number(oldestRaw[0].ts)).toBe(T0 + DAY);
    const oldest5m: Array<{ ts: number }> = await runSql(ds, 'SELECT MIN(ts) AS ts FROM metric_rollups WHERE resolution = 300');
    expect(Number(oldest5m[0].ts)).toBe(T0 + 12 * HOUR);
  });
});

describe('period queries', () => {
  test('24h, 7d, 30d: at most 288 points from the right level, to the stored unit, the raw tail included; from the rollups once raw samples are gone', async () => {
    // 31 days of samples every 5 minutes for A, rolled up day by day and pruned with the defaults, as a running Tomo would.
    const list = samples(A, T0, T0 + 31 * DAY, 300);
    const job = rollups();
    const settings = { rawHours: 48, fiveMinuteDays: 30, hourlyDays: 365 };
    for (let day = 0; day < 31; day++) {
      await insert(list.filter((s) => s.ts >= T0 + day * DAY && s.ts < T0 + (day + 1) * DAY));
      now = T0 + (day + 1) * DAY;
      await job.run();
      await job.prune(settings);
    }
    // Then the last minutes, not rolled up yet: now is 00:01:40 past the last sample.
    now = T0 + 31 * DAY + 100;
    await insert([{ ...list[0], ts: T0 + 31 * DAY + 30, cpuPercent: 90 }, { ...list[0], ts: T0 + 31 * DAY + 60, cpuPercent: 70 }]);
    await job.run();
    const oldestRaw: Array<{ ts: number }> = await runSql(ds, 'SELECT MIN(ts) AS ts FROM metric_samples');
    expect(Number(oldestRaw[0].ts)).toBeGreaterThanOrEqual(T0 + 29 * DAY - 1);

    for (const [period, bucket, points, resolution] of [['24h', 300, 288, '5m'], ['7d', 3600, 168, '1h'], ['30d', 10800, 240, '1h']] as const) {
      const series = await readSeries(ds, SERVER_SERIES, A, period, now);
      expect({ period, bucketSeconds: series.bucketSeconds, resolution: series.resolution }).toEqual({ period, bucketSeconds: bucket, resolution });
      expect(series.rows.length).toBeLessThanOrEqual(MAX_POINTS);
      expect(series.rows).toHaveLength(points);
      // The newest point is the current bucket, from the two raw samples of the last minutes.
      const last = series.rows[series.rows.length - 1];
      expect(last.bucket).toBe(now - (now % bucket));
      expect(last.samples).toBe(2 + list.filter((s) => s.ts >= last.bucket).length);
      // Every older point holds what its samples say, to the stored unit.
      for (const row of series.rows.slice(0, -1)) {
        expectBucket(
          { ...row } as Row,
          expected(list.filter((s) => s.ts >= row.bucket && s.ts < row.bucket + bucket)),
        );
      }
    }
    // B polled for the first time a minute ago: its points come from raw samples.
    await insert(samples(B, now - 50, now, 10));
    for (const period of ['24h', '7d', '30d'] as const) {
      const fresh = await readSeries(ds, SERVER_SERIES, B, period, now);
      expect(fresh.resolution).toBe('raw');
      expect(fresh.rows.reduce((n, r) => n + (r.samples ?? 0), 0)).toBe(5);
    }
  });
});

describe('the plugin', () => {
  test('at start it rolls up what is pending and applies retention, in the background; a stop right after a start logs no failure', async () => {
    const k = await startTestKernel({ plugins: PLUGINS, listen: false });
    const wall = Math.floor(Date.now() / 1000);
    try {
      // Three days of samples every 5 minutes, up to 10 minutes ago, written while Tomo was down.
      const repo = k.kernel.dataSource.getRepository(MetricSampleEntity);
      const list = samples(A, wall - 3 * DAY, wall - 600, 300);
      for (let i = 0; i < list.length; i += 500) await repo.insert(list.slice(i, i + 500));
      await k.stop({ keepData: true });
      const again = await startTestKernel({ plugins: PLUGINS, listen: false, dataDir: k.dataDir });
      try {
        const db = again.kernel.dataSource;
        for (const deadline = Date.now() + 20000; !again.logs().some((l) => l.includes('Metrics retention: raw samples and rollups past their age removed')); ) {
          if (Date.now() > deadline) throw new Error('no retention at start');
          await new Promise((r) => setTimeout(r, 100));
        }
        const oldest: Array<{ ts: number }> = await runSql(db, 'SELECT MIN(ts) AS ts FROM metric_samples');
        expect(Number(oldest[0].ts)).toBeGreaterThanOrEqual(wall - 48 * HOUR);
        const five: Array<{ n: number; samples: number }> = await runSql(db, 'SELECT COUNT(*) AS n, SUM(samples) AS samples FROM metric_rollups WHERE resolution = 300');
        // Every sample up to the last complete bucket is in a 5-minute row, those gone from the raw table included.
        const completeBefore = wall - ROLLUP_GRACE_SECONDS - ((wall - ROLLUP_GRACE_SECONDS) % 300);
        expect(Number(five[0].samples)).toBe(list.filter((x) => x.ts < completeBefore).length);
      } finally {
        await again.stop({ keepData: true });
      }
      // Stopped right after a start, while the start-up job runs: no error from a closed database.
      const third = await startTestKernel({ plugins: PLUGINS, listen: false, dataDir: k.dataDir });
      await third.stop({ keepData: true });
      expect(third.logs().filter((l) => l.includes('Metrics retention failed') || l.includes('rollup failed'))).toEqual([]);
    } finally {
      fs.rmSync(k.dataDir, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  const defaults = monitoringConfigSchema.parse({});

  test('defaults: raw 48 hours, 5-minute rollups 30 days, hourly rollups 365 days', () => {
    expect(defaults).toMatchObject({ metricsRawRetentionHours: 48, metrics5mRetentionDays: 30, metrics1hRetentionDays: 365 });
  });

  test.each([
    [{ metricsRawRetentionHours: 0 }, 'monitoring.metricsRawRetentionHours: must be at least 1 hour'],
    [{ metrics5mRetentionDays: 2.5 }, 'monitoring.metrics5mRetentionDays: must be a whole number of days'],
    [{ metrics1hRetentionDays: 7 }, 'monitoring.metrics1hRetentionDays: must keep hourly rollups at least as long as 5-minute ones'],
    [{ metricsRawRetentionHours: 72, metrics5mRetentionDays: 2 }, 'monitoring.metrics5mRetentionDays: must keep 5-minute rollups at least as long as raw samples'],
    [{ metricsRetentionDays: 30 }, 'metricsRetentionDays'],
  ])('%j is refused at start, naming the key', async (monitoring, message) => {
    await expect(startTestKernel({ plugins: PLUGINS, listen: false, config: { monitoring } })).rejects.toThrow(message);
  });
});
