/**
 * Metrics keyed by series integers (issue 19): a database made by release 0.1's migrations, with
 * real-looking samples and rollups (the rollup job and retention ran on it), is upgraded by the
 * kernel's start; every row is there under its new key, its values as scaled integers equal to
 * the old floats within the stored unit (metric-codec), the period queries and the latest
 * samples answer as before (to that unit), the schema is what the entities say, the job carries on from its
 * watermarks, and the migration reverts to the same rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { startTestKernel } from '@tomo/kernel/testing';
import { authPlugin } from '../../auth/src/plugin';
import { serversPlugin } from '../../servers/src/plugin';
import { preparationPlugin } from '../../preparation/src/plugin';
import { appsPlugin } from '../../apps/src/plugin';
import { monitoringPlugin } from '../src/plugin';
import { LatestSamples } from '../src/metrics/latest-samples';
import { decodeMetric, precisionOf } from '../src/metrics/metric-codec';
import { CONTAINER_SERIES, Rollups, SERVER_SERIES } from '../src/metrics/rollups';
import { readSeries, type Period } from '../src/metrics/series-history';
import { SeriesKeys } from '../src/metrics/series-keys';
import { MonitoringMetrics1764900100000 } from './support/release-0.1-monitoring/1764900100000-monitoring-metrics';
import { MonitoringRollups1764900200000 } from './support/release-0.1-monitoring/1764900200000-monitoring-rollups';
import { MonitoringContainers1764900300000 } from './support/release-0.1-monitoring/1764900300000-monitoring-containers';
import { MonitoringContainerRollups1764900400000 } from './support/release-0.1-monitoring/1764900400000-monitoring-container-rollups';

const PLUGINS = [authPlugin, serversPlugin, preparationPlugin, appsPlugin, monitoringPlugin];
/** Release 0.1's schema: every plugin's migrations up to then, monitoring's as they shipped (frozen copies). */
const RELEASE_01 = [
  ...PLUGINS.filter((p) => p !== monitoringPlugin).flatMap((p) => p.migrations ?? []),
  ...(monitoringPlugin.migrations ?? []).filter((m) => m.name === 'MonitoringInitial1764900000000'),
  MonitoringMetrics1764900100000,
  MonitoringRollups1764900200000,
  MonitoringContainers1764900300000,
  MonitoringContainerRollups1764900400000,
];
/** 2040-01-01: far ahead of the wall clock, so the plugin's own job (on the wall clock) finds nothing to roll or remove. */
const T0 = Date.UTC(2040, 0, 1) / 1000;
const DAY = 86400;
const NOW = T0 + 3 * DAY + 150;
const SERVERS = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
const APPS = [
  { id: '00000000-0000-4000-8000-0000000000c1', serverId: SERVERS[0] },
  { id: '00000000-0000-4000-8000-0000000000c2', serverId: SERVERS[1] },
];
const PERIODS: Period[] = ['24h', '7d', '30d'];
/** The specs as release 0.1 keyed them: by the ids themselves, the values stored as measured. */
const asMeasured = (_column: string, v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
const OLD_SERVER_SERIES = { ...SERVER_SERIES, key: 'serverId', decode: asMeasured };
const OLD_CONTAINER_SERIES = { ...CONTAINER_SERIES, key: 'installationId', decode: asMeasured };

const sampleValues = ['cpuPercent', 'memTotalBytes', 'memUsedBytes', 'diskTotalBytes', 'diskUsedBytes', 'dockerDiskTotalBytes', 'dockerDiskUsedBytes', 'load1', 'load5', 'load15', 'uptimeSeconds', 'latencyMs'];
type Row = Record<string, unknown>;

/** Values read back as measured: the upgraded tables hold metric-codec's integers. */
const measured = (rows: Row[]): Row[] => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, precisionOf(k) === null ? v : decodeMetric(k, v as number | null)])));

/**
 * `actual` equals `expected` with every metric value within one stored unit of it (a value a
 * migration rounded once; a period query's average of rounded values), everything else exact.
 * The values that were off are counted, so a test also shows that rounding happened at all.
 */
function expectWithinUnit(actual: unknown, expected: unknown, path = '', off = { n: 0 }): { n: number } {
  if (Array.isArray(expected)) {
    expect({ path, length: (actual as unknown[]).length }).toEqual({ path, length: expected.length });
    expected.forEach((e, i) => expectWithinUnit((actual as unknown[])[i], e, `${path}[${i}]`, off));
  } else if (expected !== null && typeof expected === 'object') {
    expect({ path, keys: Object.keys(actual as object).sort() }).toEqual({ path, keys: Object.keys(expected).sort() });
    for (const [k, e] of Object.entries(expected)) {
      const unit = precisionOf(k);
      const a = (actual as Record<string, unknown>)[k];
      if (unit !== null && typeof e === 'number' && typeof a === 'number') {
        expect({ path: `${path}.${k}`, within: Math.abs(a - e) <= unit * (1 + 1e-9) || [a, e] }).toEqual({ path: `${path}.${k}`, within: true });
        if (a !== e) off.n += 1;
      } else expectWithinUnit(a, e, `${path}.${k}`, off);
    }
  } else expect({ path, value: actual }).toEqual({ path, value: expected });
  return off;
}

/** Every row of the four tables, by id rather than integer key, in one order (samples' own ids left out: they are not kept); upgraded ('series') rows read back as measured. */
async function dump(ds: DataSource, keyed: 'ids' | 'series'): Promise<Record<string, Row[]>> {
  const rows = await dumpStored(ds, keyed);
  return keyed === 'ids' ? rows : Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, measured(list)]));
}

async function dumpStored(ds: DataSource, keyed: 'ids' | 'series'): Promise<Record<string, Row[]>> {
  const server = keyed === 'ids' ? { from: '', id: 't."serverId"' } : { from: ' JOIN metric_series k ON k.id = t."seriesId"', id: 'k."serverId"' };
  const app = keyed === 'ids' ? { from: '', id: 't."installationId"', server: 't."serverId"' } : { from: ' JOIN container_series k ON k.id = t."seriesId"', id: 'k."installationId"', server: 'k."serverId"' };
  const rollupCols = (spec: typeof SERVER_SERIES) => ['resolution', 'ts', 'samples', ...spec.measures.flatMap((m) => [...(m.counted ? [`${m.column}Samples`] : []), ...m.aggs.map((a) => `${m.column}${a}`)])];
  const cols = (list: string[]) => list.map((c) => `t."${c}"`).join(', ');
  return {
    metric_samples: await ds.query(`SELECT ${server.id} AS "serverId", ${cols(['ts', ...sampleValues])} FROM metric_samples t${server.from} ORDER BY 1, t.ts, t.id`),
    metric_rollups: await ds.query(`SELECT ${server.id} AS "serverId", ${cols(rollupCols(SERVER_SERIES))} FROM metric_rollups t${server.from} ORDER BY 1, t.resolution, t.ts`),
    container_samples: await ds.query(`SELECT ${app.id} AS "installationId", ${app.server} AS "serverId", ${cols(['ts', 'cpuPercent', 'memBytes'])} FROM container_samples t${app.from} ORDER BY 1, t.ts, t.id`),
    container_rollups: await ds.query(`SELECT ${app.id} AS "installationId", ${app.server} AS "serverId", ${cols(rollupCols(CONTAINER_SERIES))} FROM container_rollups t${app.from} ORDER BY 1, t.resolution, t.ts`),
  };
}

/** What the period queries answer for every server and app. */
async function answers(ds: DataSource, key: (kind: 'server' | 'app', id: string) => Promise<string | number | null>, specs: { server: typeof SERVER_SERIES; app: typeof SERVER_SERIES }) {
  const out: Record<string, unknown> = {};
  for (const period of PERIODS) {
    for (const id of SERVERS) out[`server ${id} ${period}`] = await readSeries(ds, specs.server, (await key('server', id)) as number, period, NOW);
    for (const app of APPS) out[`app ${app.id} ${period}`] = await readSeries(ds, specs.app, (await key('app', app.id)) as number, period, NOW);
  }
  return out;
}

/** Release 0.1's database with three days of samples every minute (the third server's only on the first day), rolled up and pruned. */
async function makeRelease01Database(file: string): Promise<void> {
  const old = new DataSource({ type: 'better-sqlite3', database: file, migrations: RELEASE_01 });
  await old.initialize();
  try {
    await old.runMigrations();
    const db = (old.driver as unknown as { databaseConnection: import('better-sqlite3').Database }).databaseConnection;
    const sample = db.prepare(`INSERT INTO metric_samples ("serverId", ts, ${sampleValues.map((c) => `"${c}"`).join(', ')}) VALUES (?, ?, ${sampleValues.map(() => '?').join(', ')})`);
    const app = db.prepare('INSERT INTO container_samples ("installationId", "serverId", ts, "cpuPercent", "memBytes") VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let ts = T0, i = 0; ts < NOW - 100; ts += 60, i++) {
        for (const [s, serverId] of SERVERS.entries()) {
          if (s === 2 && ts >= T0 + DAY) continue;
          const cpu = i % 23 === 4 ? null : ((i * 37 + s * 11) % 1000) / 10;
          sample.run(serverId, ts + s, cpu, 8 * 2 ** 30, 2 ** 30 + ((i * 7919) % 997) * 2 ** 20, 5e11, 1e11 + i * 1000, 2e11, 5e10 + i, ((i * 13) % 400) / 100, 0.7, 0.5, 86400 + ts - T0, 1 + ((i * 3) % 90) / 10);
        }
        for (const [a, { id, serverId }] of APPS.entries()) app.run(id, serverId, ts + a, i % 19 === 2 ? null : ((i * 29 + a) % 500) / 10, 2e8 + ((i * 31) % 97) * 1e6);
      }
    })();
    // The server rollups by the job of the release (keyed by ids), retention with the defaults but a day of raw samples.
    const clock = { now: () => new Date(NOW * 1000) };
    const rollups = new Rollups(old, clock, pino({ level: 'silent' }), [OLD_SERVER_SERIES]);
    await rollups.maintain({ rawHours: 24, fiveMinuteDays: 30, hourlyDays: 365 });
    // The apps' rollups as release 0.1's job made them (it carried the server along): 5-minute up to a
    // bucket, hourly from them, raw samples of the first day gone.
    const fiveUntil = NOW - 150 - 300;
    db.prepare(
      'INSERT INTO container_rollups ("installationId", resolution, ts, "serverId", samples, "cpuPercentSamples", "cpuPercentMin", "cpuPercentAvg", "cpuPercentMax", "memBytesAvg", "memBytesMax") ' +
        'SELECT "installationId", 300, ts - ts % 300, MAX("serverId"), COUNT(*), COUNT("cpuPercent"), MIN("cpuPercent"), AVG("cpuPercent"), MAX("cpuPercent"), AVG("memBytes"), MAX("memBytes") FROM container_samples WHERE ts < ? GROUP BY "installationId", ts - ts % 300',
    ).run(fiveUntil);
    db.prepare(
      'INSERT INTO container_rollups ("installationId", resolution, ts, "serverId", samples, "cpuPercentSamples", "cpuPercentMin", "cpuPercentAvg", "cpuPercentMax", "memBytesAvg", "memBytesMax") ' +
        'SELECT "installationId", 3600, ts - ts % 3600, MAX("serverId"), COUNT(*), COUNT("cpuPercent"), MIN("cpuPercent"), AVG("cpuPercent"), MAX("cpuPercent"), AVG("memBytes"), MAX("memBytes") FROM container_samples WHERE ts < ? GROUP BY "installationId", ts - ts % 3600',
    ).run(T0 + 3 * DAY);
    db.prepare("INSERT INTO metric_rollup_watermarks (series, resolution, watermark) VALUES ('container_rollups', 300, ?), ('container_rollups', 3600, ?)").run(fiveUntil, T0 + 3 * DAY);
    db.prepare('DELETE FROM container_samples WHERE ts < ?').run(T0 + DAY);
  } finally {
    await old.destroy();
  }
}

test('a release 0.1 database upgrades in place: every row under its series key, the queries answer the same, and it reverts', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-monitoring-mig-'));
  const file = path.join(dataDir, 'tomo.db');
  try {
    await makeRelease01Database(file);
    const old = new DataSource({ type: 'better-sqlite3', database: file });
    await old.initialize();
    const before = await dump(old, 'ids');
    const answersBefore = await answers(old, async (_kind, id) => id, { server: OLD_SERVER_SERIES, app: OLD_CONTAINER_SERIES });
    await old.destroy();
    // Real-looking and complete: raw samples, both rollup levels for servers and apps, a raw tail, a server with only rollups left.
    expect(before.metric_samples.length).toBeGreaterThan(2500); // the last day of two servers
    expect(new Set(before.metric_rollups.map((r) => `${r.serverId} ${r.resolution}`)).size).toBe(6);
    expect(before.metric_samples.some((r) => r.serverId === SERVERS[2])).toBe(false);
    expect(new Set(before.container_rollups.map((r) => Number(r.resolution)))).toEqual(new Set([300, 3600]));
    expect((answersBefore[`server ${SERVERS[0]} 24h`] as { rows: unknown[] }).rows).toHaveLength(288);

    // The upgrade: the kernel's start runs the pending migration.
    const t = await startTestKernel({ plugins: PLUGINS, listen: false, dataDir });
    let upgraded: Record<string, Row[]>;
    try {
      const ds = t.kernel.dataSource;
      const ran = (await ds.query('SELECT name FROM migrations ORDER BY id')) as Array<{ name: string }>;
      expect(ran.at(-1)!.name).toBe('MonitoringSeriesKeys1764900500000');
      const tables = ((await ds.query("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'metric%' OR name LIKE 'container%') ORDER BY name")) as Array<{ name: string }>).map((r) => r.name);
      expect(tables).toEqual(['container_rollups', 'container_samples', 'container_series', 'metric_rollup_watermarks', 'metric_rollups', 'metric_samples', 'metric_series']);
      // The entities match the migrated schema: TypeORM would change nothing.
      expect((await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
      // One series per id, the apps' with their servers; no id left in the big tables.
      expect(await ds.query('SELECT "serverId" FROM metric_series ORDER BY id')).toEqual(SERVERS.map((serverId) => ({ serverId })));
      expect(await ds.query('SELECT "installationId", "serverId" FROM container_series ORDER BY id')).toEqual(APPS.map((a) => ({ installationId: a.id, serverId: a.serverId })));
      const columns = async (table: string) => ((await ds.query(`SELECT name FROM pragma_table_info('${table}')`)) as Array<{ name: string }>).map((c) => c.name);
      for (const table of ['metric_samples', 'metric_rollups', 'container_samples', 'container_rollups']) {
        expect((await columns(table)).filter((c) => /Id$/.test(c))).toEqual(['seriesId']);
      }

      // Every row is there, each value as an integer within the stored unit of the old float.
      const stored = await dumpStored(ds, 'series');
      for (const [table, list] of Object.entries(stored)) {
        for (const row of list) for (const [k, v] of Object.entries(row)) if (precisionOf(k) !== null && v !== null) expect({ table, k, integer: Number.isInteger(Number(v)) }).toEqual({ table, k, integer: true });
      }
      const types = (await ds.query(`SELECT name, type FROM pragma_table_info('metric_rollups') WHERE lower(type) NOT IN ('integer', 'bigint')`)) as unknown[];
      expect(types).toEqual([]);
      expect(expectWithinUnit(await dump(ds, 'series'), before).n).toBeGreaterThan(0); // averages and byte counts were rounded
      expect((await dump(ds, 'series')).metric_samples.length).toBe(before.metric_samples.length);
      const keys = new SeriesKeys(ds);
      const key = (kind: 'server' | 'app', id: string) => (kind === 'server' ? keys.findServer(id) : keys.findApp(id));
      expectWithinUnit(await answers(ds, key, { server: SERVER_SERIES, app: CONTAINER_SERIES }), answersBefore);
      // The newest sample of each server, as the dashboard reads it.
      const latest = await new LatestSamples(ds, keys).of(SERVERS);
      expect([...latest.keys()].sort()).toEqual(SERVERS.slice(0, 2));
      for (const serverId of SERVERS.slice(0, 2)) {
        const newest = before.metric_samples.filter((r) => r.serverId === serverId).at(-1)!;
        // Whole tenths of a percent and KiB-multiple memory survive the hundredths and KiB unchanged.
        const got = latest.get(serverId)!;
        expect({ ts: Number(got.ts), cpuPercent: got.cpuPercent, memUsedBytes: got.memUsedBytes }).toEqual({ ts: Number(newest.ts), cpuPercent: newest.cpuPercent, memUsedBytes: newest.memUsedBytes });
      }
      // A poll after the upgrade writes under the same series; the job carries on from the watermarks.
      expect(await keys.ofServer(SERVERS[0])).toBe(await keys.findServer(SERVERS[0]));
      expect(await keys.ofApp(APPS[0].id, APPS[0].serverId)).toBe(1);
      const later = new Rollups(ds, { now: () => new Date((NOW + 3600) * 1000) }, pino({ level: 'silent' }));
      const report = await later.run();
      expect(report.written['metric_rollups:300']).toBe(2); // the last bucket of the two servers still polled
      expect(report.written['container_rollups:300']).toBe(2 * 2); // the apps' two buckets after the old job's last
      upgraded = await dump(ds, 'series');
    } finally {
      await t.stop({ keepData: true });
    }

    // Reverted: the ids back in every row, the same rows (the buckets rolled up since included), the values as the integers said.
    const revert = new DataSource({ type: 'better-sqlite3', database: file, migrations: PLUGINS.flatMap((p) => p.migrations ?? []) });
    await revert.initialize();
    try {
      await revert.undoLastMigration({ transaction: 'each' });
      expect(await dump(revert, 'ids')).toEqual(upgraded);
      expect(await revert.query("SELECT name FROM sqlite_master WHERE name LIKE '%series%' OR name LIKE '%_v1' OR name LIKE '%_v2'")).toEqual([]);
    } finally {
      await revert.destroy();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60000);
