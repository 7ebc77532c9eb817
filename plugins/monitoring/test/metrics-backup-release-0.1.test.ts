/**
 * A backup with metric history made by release 0.1 (samples and rollups keyed by the server's and
 * the app's ids, values stored as measured floats) still imports into this Tomo: the source here
 * runs release 0.1's frozen monitoring migrations and its backup declarations, the export and the
 * import are the real backup service's, and the history reads back as the target's own series,
 * the values within metric-codec's unit of what was measured.
 */
import fs from 'node:fs';
import { definePlugin, definePluginModule } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';
import { appsPlugin, builtInCatalogModule } from '../../apps/src/plugin';
import { authPlugin } from '../../auth/src/plugin';
import { backupPlugin } from '../../backup/src/plugin';
import { addInstallation, addServer, addUser, ADMIN, BACKUP_PASSWORD, BACKUP_TABLE_MODULES, backupService, exportTo, login, rawDb, tempDir } from '../../backup/test/support/backup-kernel';
import { builtInPreparersModule, preparationPlugin } from '../../preparation/src/plugin';
import { serversPlugin } from '../../servers/src/plugin';
import { SERIES_KEYS_MIGRATION } from '../src/backup-row-upgrades';
import { decodeMetric, precisionOf } from '../src/metrics/metric-codec';
import { SERVER_SERIES } from '../src/metrics/rollups';
import { readSeries } from '../src/metrics/series-history';
import { SeriesKeys } from '../src/metrics/series-keys';
import { monitoringBackupTablesModule, monitoringPlugin } from '../src/plugin';
import { MonitoringMetrics1764900100000 } from './support/release-0.1-monitoring/1764900100000-monitoring-metrics';
import { MonitoringRollups1764900200000 } from './support/release-0.1-monitoring/1764900200000-monitoring-rollups';
import { MonitoringContainers1764900300000 } from './support/release-0.1-monitoring/1764900300000-monitoring-containers';
import { MonitoringContainerRollups1764900400000 } from './support/release-0.1-monitoring/1764900400000-monitoring-container-rollups';

const T0 = Date.UTC(2040, 0, 1) / 1000;

/** Monitoring as release 0.1 shipped its schema: its migrations then, nothing running (the test writes the rows). */
const release01Monitoring = definePlugin({
  id: 'monitoring',
  version: '0.1.0',
  dependsOn: ['servers', 'apps'],
  migrations: [
    ...(monitoringPlugin.migrations ?? []).filter((m) => m.name === 'MonitoringInitial1764900000000'),
    MonitoringMetrics1764900100000,
    MonitoringRollups1764900200000,
    MonitoringContainers1764900300000,
    MonitoringContainerRollups1764900400000,
  ],
});

/** Release 0.1's declarations of its tables to backup (keyed by the ids themselves). */
const release01BackupTables = definePluginModule({
  id: 'monitoring-backup-tables',
  targetPlugin: 'backup',
  version: '0.1.0',
  register(ctx) {
    const backup = ctx.getExtensionPoint(backupTablesExtensionPoint);
    backup.addTable({ table: 'metric_samples', label: 'metric samples', history: true, refs: { serverId: 'servers' } });
    backup.addTable({ table: 'metric_rollups', label: 'metric rollups', history: true, refs: { serverId: 'servers' } });
    backup.addTable({ table: 'container_samples', label: 'app metric samples', history: true, refs: { serverId: 'servers', installationId: 'app_installations' } });
    backup.addTable({ table: 'container_rollups', label: 'app metric rollups', history: true, refs: { serverId: 'servers', installationId: 'app_installations' } });
    backup.addTable({ table: 'metric_rollup_watermarks', label: 'rollup watermarks', history: true });
  },
});

const CORE = [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin];
const CORE_MODULES = [builtInPreparersModule, builtInCatalogModule, ...BACKUP_TABLE_MODULES];
// Polled once an hour: the servers here point at nothing, the rows are written by the test.
const CONFIG = { backup: { scryptWorkFactor: 10 }, catalog: { dirs: [] }, monitoring: { intervalSeconds: 3600 } };

type Row = Record<string, unknown>;
const SAMPLE_VALUES = ['cpuPercent', 'memUsedBytes', 'memTotalBytes', 'load1', 'latencyMs', 'uptimeSeconds'];
const ROLLUP_VALUES = ['samples', 'cpuPercentSamples', 'cpuPercentMin', 'cpuPercentAvg', 'cpuPercentMax', 'memUsedBytesAvg', 'memUsedBytesMax', 'load1Avg', 'latencyMsAvg'];
const APP_ROLLUP_VALUES = ['samples', 'cpuPercentSamples', 'cpuPercentAvg', 'memBytesAvg', 'memBytesMax'];

/** Release 0.1's rows of a server (and an app): floats with more digits than the stored units keep, bytes off KiB. */
function writeRelease01Metrics(t: TestKernel, serverId: string, base: number, installationId?: string): void {
  const db = rawDb(t);
  const sample = db.prepare(`INSERT INTO metric_samples ("serverId", ts, ${SAMPLE_VALUES.map((c) => `"${c}"`).join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  for (let i = 0; i < 6; i++) sample.run(serverId, T0 + i * 60, i === 3 ? null : base + i * 1.237, 1e9 + base * 1000 + i * 517, 8 * 2 ** 30, 0.333 * (i + 1), 1.26 + i, 86400 + i * 60);
  const rollup = db.prepare(`INSERT INTO metric_rollups ("serverId", resolution, ts, ${ROLLUP_VALUES.map((c) => `"${c}"`).join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  rollup.run(serverId, 300, T0 - 300, 5, 4, base - 0.004, base + 0.123456, base + 1.9, 1.5e9 + 333.3, 1.6e9 + 7, 0.4567, 2.345);
  rollup.run(serverId, 3600, T0 - 3600, 60, 60, base - 1, base + 0.5, base + 2, 1.4e9 + 0.5, 1.6e9, 1.005, 0.05);
  if (!installationId) return;
  db.prepare('INSERT INTO container_samples ("installationId", "serverId", ts, "cpuPercent", "memBytes") VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)').run(
    installationId, serverId, T0, base / 3, 2e8 + 100, installationId, serverId, T0 + 60, null, 2e8 + 2048,
  );
  db.prepare(`INSERT INTO container_rollups ("installationId", "serverId", resolution, ts, ${APP_ROLLUP_VALUES.map((c) => `"${c}"`).join(', ')}) VALUES (?, ?, 300, ?, ?, ?, ?, ?, ?)`).run(
    installationId, serverId, T0 - 300, 10, 9, base / 7, 2.1e8 + 0.75, 2.2e8 + 3,
  );
}

/** Every metric row by server (and app) id: `keyed` 'ids' reads release 0.1's tables, 'series' today's through their keys, decoded. */
function history(t: TestKernel, keyed: 'ids' | 'series'): Record<string, Row[]> {
  const db = rawDb(t);
  const server = keyed === 'ids' ? { from: '', id: 't."serverId"' } : { from: ' JOIN metric_series k ON k.id = t."seriesId"', id: 'k."serverId"' };
  const app = keyed === 'ids' ? { from: '', id: 't."installationId"', server: 't."serverId"' } : { from: ' JOIN container_series k ON k.id = t."seriesId"', id: 'k."installationId"', server: 'k."serverId"' };
  const cols = (list: string[]) => list.map((c) => `t."${c}"`).join(', ');
  const read = (sql: string) => (db.prepare(sql).all() as Row[]).map((r) => (keyed === 'ids' ? r : decoded(r)));
  return {
    metric_samples: read(`SELECT ${server.id} AS "serverId", t.ts, ${cols(SAMPLE_VALUES)} FROM metric_samples t${server.from} ORDER BY 1, t.ts`),
    metric_rollups: read(`SELECT ${server.id} AS "serverId", t.resolution, t.ts, ${cols(ROLLUP_VALUES)} FROM metric_rollups t${server.from} ORDER BY 1, t.resolution, t.ts`),
    container_samples: read(`SELECT ${app.id} AS "installationId", ${app.server} AS "serverId", t.ts, t."cpuPercent", t."memBytes" FROM container_samples t${app.from} ORDER BY 1, t.ts`),
    container_rollups: read(`SELECT ${app.id} AS "installationId", ${app.server} AS "serverId", t.resolution, t.ts, ${cols(APP_ROLLUP_VALUES)} FROM container_rollups t${app.from} ORDER BY 1, t.ts`),
  };
}

const decoded = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, precisionOf(k) === null ? v : decodeMetric(k, v as number | null)]));

/** `actual` is `expected` row for row, metric values within half a stored unit (one rounding), the rest exact; returns how many values rounding changed. */
function expectSameHistory(actual: Record<string, Row[]>, expected: Record<string, Row[]>): number {
  let rounded = 0;
  expect(Object.fromEntries(Object.entries(actual).map(([t, rows]) => [t, rows.length]))).toEqual(Object.fromEntries(Object.entries(expected).map(([t, rows]) => [t, rows.length])));
  for (const [table, rows] of Object.entries(expected)) {
    rows.forEach((want, i) => {
      const got = actual[table][i];
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const [k, w] of Object.entries(want)) {
        const unit = precisionOf(k);
        if (unit === null || w === null) {
          expect({ table, i, k, v: got[k] }).toEqual({ table, i, k, v: w });
          continue;
        }
        expect({ table, i, k, within: Math.abs(Number(got[k]) - Number(w)) <= unit / 2 + 1e-9 || [got[k], w] }).toEqual({ table, i, k, within: true });
        if (Number(got[k]) !== Number(w)) rounded++;
      }
    });
  }
  return rounded;
}

test('a release 0.1 backup with metric history imports: its rows under the target\'s series keys, the values within the stored unit', async () => {
  const work = tempDir('tomo-monitoring-old-backup-');
  let target: TestKernel | undefined;
  const source = await startTestKernel({ plugins: [...CORE, release01Monitoring], modules: [...CORE_MODULES, release01BackupTables], listen: true, config: CONFIG });
  let file: string;
  let before: Record<string, Row[]>;
  let alpha: string, beta: string, app: string;
  try {
    await addUser(source, ADMIN, 'admin');
    const admin = await login(source, ADMIN);
    alpha = await addServer(source, admin, 'alpha', 'alpha-ssh-secret-1', '127.0.0.1');
    beta = await addServer(source, admin, 'beta', 'beta-ssh-secret-12', '127.0.0.1');
    app = await addInstallation(source, alpha, rawDb(source).prepare('SELECT id FROM auth_users WHERE username = ?').pluck().get('admin') as string);
    writeRelease01Metrics(source, alpha, 10, app);
    writeRelease01Metrics(source, beta, 50);
    rawDb(source).prepare("INSERT INTO metric_rollup_watermarks (series, resolution, watermark) VALUES ('metric_rollups', 300, ?)").run(T0);
    const migrations = rawDb(source).prepare('SELECT name FROM migrations').pluck().all();
    expect(migrations).toContain('MonitoringContainerRollups1764900400000');
    expect(migrations).not.toContain(SERIES_KEYS_MIGRATION);
    before = history(source, 'ids');
    expect(before.metric_samples).toHaveLength(12);
    file = await exportTo(source, work, { includeHistory: true });
  } finally {
    await source.stop();
  }

  try {
    // Today's Tomo, with a server of its own already polled (its series holds the integer 1).
    target = await startTestKernel({ plugins: [...CORE, monitoringPlugin], modules: [...CORE_MODULES, monitoringBackupTablesModule], listen: true, config: CONFIG });
    await addUser(target, ADMIN, 'admin');
    const own = await addServer(target, await login(target, ADMIN), 'gamma', 'gamma-ssh-secret-1', '127.0.0.1');
    const keys = new SeriesKeys(target.kernel.dataSource);
    expect(await keys.ofServer(own)).toBe(1);
    rawDb(target).prepare('INSERT INTO metric_samples ("seriesId", ts, "cpuPercent") VALUES (1, ?, 4200)').run(T0 + 7);
    const open = () => fs.createReadStream(file);

    // The preview says what would come in, and writes nothing (no series either).
    const preview = await backupService(target).import(open, { password: BACKUP_PASSWORD, onConflict: 'skip', apply: false });
    const previewed = Object.fromEntries(preview.tables.map((t) => [t.table, t]));
    expect(previewed.metric_samples).toMatchObject({ inBackup: 12, added: 12, skipped: 0 });
    expect(previewed.container_rollups).toMatchObject({ inBackup: 1, added: 1 });
    expect(rawDb(target).prepare('SELECT COUNT(*) FROM metric_series').pluck().get()).toBe(1);

    const summary = await backupService(target).import(open, { password: BACKUP_PASSWORD, onConflict: 'skip', apply: true });
    const byTable = Object.fromEntries(summary.tables.map((t) => [t.table, t]));
    expect(byTable.metric_samples).toMatchObject({ inBackup: 12, added: 12, skipped: 0 });
    expect(byTable.metric_rollups).toMatchObject({ inBackup: 4, added: 4 });
    expect(byTable.container_samples).toMatchObject({ inBackup: 2, added: 2 });
    expect(byTable.container_rollups).toMatchObject({ inBackup: 1, added: 1 });

    // Each old server and app has its series here now, after the target's own.
    const series = rawDb(target).prepare('SELECT id, "serverId" FROM metric_series ORDER BY id').all() as Array<{ id: number; serverId: string }>;
    expect(series[0]).toEqual({ id: 1, serverId: own });
    expect(series.slice(1).map((s) => s.serverId).sort()).toEqual([alpha, beta].sort());
    expect(series.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(rawDb(target).prepare('SELECT "installationId", "serverId" FROM container_series').all()).toEqual([{ installationId: app, serverId: alpha }]);
    // Stored as metric-codec's integers, read back as measured: the same history within half a unit.
    expect(rawDb(target).prepare('SELECT "cpuPercent", "memUsedBytes" FROM metric_samples WHERE "seriesId" = ? ORDER BY ts LIMIT 1').get(await keys.findServer(alpha))).toEqual({ cpuPercent: 1000, memUsedBytes: Math.round((1e9 + 10000) / 1024) });
    const after = history(target, 'series');
    const notOwn = { ...after, metric_samples: after.metric_samples.filter((r) => r.serverId !== own) };
    expect(expectSameHistory(notOwn, before)).toBeGreaterThan(10);
    expect(after.metric_samples.filter((r) => r.serverId === own)).toEqual([expect.objectContaining({ ts: T0 + 7, cpuPercent: 42 })]);
    expect(rawDb(target).prepare('SELECT series, resolution, watermark FROM metric_rollup_watermarks').all()).toEqual([{ series: 'metric_rollups', resolution: 300, watermark: T0 }]);

    // The dashboard's history reader finds it under the server.
    const day = await readSeries(target.kernel.dataSource, SERVER_SERIES, (await keys.findServer(alpha))!, '24h', T0 + 3600);
    const bucket = day.rows.find((r) => Number(r.bucket) === T0 - 300)!;
    expect({ cpuPercentAvg: bucket.cpuPercentAvg, cpuPercentMax: bucket.cpuPercentMax, load1Avg: bucket.load1Avg, latencyMsAvg: bucket.latencyMsAvg }).toEqual({ cpuPercentAvg: 10.12, cpuPercentMax: 11.9, load1Avg: 0.46, latencyMsAvg: 2.3 });
    expect(Math.abs(Number(bucket.memUsedBytesAvg) - (1.5e9 + 333.3))).toBeLessThanOrEqual(512);
  } finally {
    await target?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 60000);
