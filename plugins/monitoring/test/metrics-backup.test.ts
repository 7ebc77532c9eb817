/**
 * The metrics history in backups, keyed by series integers: exported with `--include-history`,
 * imported into an instance whose own series already use the same integers; the imported rows
 * follow their series to the integers the target gives them, and a second import adds nothing.
 */
import fs from 'node:fs';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { builtInCatalogModule } from '../../apps/src/plugin';
import { backupPlugin } from '../../backup/src/plugin';
import { builtInPreparersModule } from '../../preparation/src/plugin';
import { addInstallation, addServer, addUser, ADMIN, BACKUP_PASSWORD, BACKUP_TABLE_MODULES, backupService, exportTo, login, rawDb, tempDir } from '../../backup/test/support/backup-kernel';
import { authPlugin } from '../../auth/src/plugin';
import { serversPlugin } from '../../servers/src/plugin';
import { preparationPlugin } from '../../preparation/src/plugin';
import { appsPlugin } from '../../apps/src/plugin';
import { monitoringBackupTablesModule, monitoringPlugin } from '../src/plugin';
import { SeriesKeys } from '../src/metrics/series-keys';

const T0 = Date.UTC(2040, 0, 1) / 1000;

function startKernel(): Promise<TestKernel> {
  return startTestKernel({
    plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin, monitoringPlugin],
    modules: [builtInPreparersModule, builtInCatalogModule, ...BACKUP_TABLE_MODULES, monitoringBackupTablesModule],
    listen: true,
    // Polled once an hour: the servers here point at nothing, the rows are written by the test.
    config: { backup: { scryptWorkFactor: 10 }, catalog: { dirs: [] }, monitoring: { intervalSeconds: 3600 } },
  });
}

/** A few samples and rollups of a server (and of an app), as the poller and the rollup job write them. */
async function writeMetrics(t: TestKernel, serverId: string, base: number, installationId?: string): Promise<void> {
  const keys = new SeriesKeys(t.kernel.dataSource);
  const db = rawDb(t);
  const series = await keys.ofServer(serverId);
  for (let i = 0; i < 5; i++) db.prepare('INSERT INTO metric_samples ("seriesId", ts, "cpuPercent", "memUsedBytes") VALUES (?, ?, ?, ?)').run(series, T0 + i * 30, base + i, 1e9 + base);
  db.prepare('INSERT INTO metric_rollups ("seriesId", resolution, ts, samples, "cpuPercentSamples", "cpuPercentAvg") VALUES (?, 300, ?, 10, 10, ?), (?, 3600, ?, 120, 120, ?)').run(series, T0 - 300, base, series, T0 - 3600, base + 0.5);
  if (!installationId) return;
  const app = await keys.ofApp(installationId, serverId);
  db.prepare('INSERT INTO container_samples ("seriesId", ts, "cpuPercent", "memBytes") VALUES (?, ?, ?, ?), (?, ?, ?, ?)').run(app, T0, base, 2e8, app, T0 + 30, base + 1, 2e8);
  db.prepare('INSERT INTO container_rollups ("seriesId", resolution, ts, samples, "cpuPercentSamples", "cpuPercentAvg") VALUES (?, 300, ?, 10, 10, ?)').run(app, T0 - 300, base);
}

/** Every metric row of the instance by server (and app) id, not by integer. */
function metricsById(t: TestKernel) {
  const db = rawDb(t);
  return {
    samples: db.prepare('SELECT k."serverId", m.ts, m."cpuPercent", m."memUsedBytes" FROM metric_samples m JOIN metric_series k ON k.id = m."seriesId" ORDER BY 1, 2').all(),
    rollups: db.prepare('SELECT k."serverId", r.resolution, r.ts, r.samples, r."cpuPercentAvg" FROM metric_rollups r JOIN metric_series k ON k.id = r."seriesId" ORDER BY 1, 2, 3').all(),
    appSamples: db.prepare('SELECT k."installationId", k."serverId", c.ts, c."cpuPercent" FROM container_samples c JOIN container_series k ON k.id = c."seriesId" ORDER BY 1, 3').all(),
    appRollups: db.prepare('SELECT k."installationId", r.ts, r."cpuPercentAvg" FROM container_rollups r JOIN container_series k ON k.id = r."seriesId" ORDER BY 1, 2').all(),
  };
}

test('metrics travel with --include-history and follow their series to the integers the target gives them', async () => {
  const work = tempDir('tomo-monitoring-backup-');
  const source = await startKernel();
  let target: TestKernel | undefined;
  try {
    await addUser(source, ADMIN, 'admin');
    const admin = await login(source, ADMIN);
    const alpha = await addServer(source, admin, 'alpha', 'alpha-ssh-secret-1', '127.0.0.1');
    const beta = await addServer(source, admin, 'beta', 'beta-ssh-secret-12', '127.0.0.1');
    const app = await addInstallation(source, alpha, rawDb(source).prepare('SELECT id FROM auth_users WHERE username = ?').pluck().get('admin') as string);
    await writeMetrics(source, alpha, 10, app);
    await writeMetrics(source, beta, 50);
    const exported = metricsById(source);
    expect(exported.samples).toHaveLength(10);
    const file = await exportTo(source, work, { includeHistory: true });

    // The target has a server of its own whose series, and app series, already hold the integers 1.
    target = await startKernel();
    await addUser(target, ADMIN, 'admin');
    const own = await addServer(target, await login(target, ADMIN), 'gamma', 'gamma-ssh-secret-1', '127.0.0.1');
    const keys = new SeriesKeys(target.kernel.dataSource);
    expect(await keys.ofServer(own)).toBe(1);
    rawDb(target).prepare('INSERT INTO metric_rollups ("seriesId", resolution, ts, samples, "cpuPercentSamples", "cpuPercentAvg") VALUES (1, 300, ?, 3, 3, 99)').run(T0 - 300);
    const ownRows = metricsById(target);

    const summary = await backupService(target).import(() => fs.createReadStream(file), { password: BACKUP_PASSWORD, onConflict: 'skip', apply: true });
    const byTable = Object.fromEntries(summary.tables.map((t) => [t.table, t]));
    expect(byTable.metric_series).toMatchObject({ inBackup: 2, added: 2, skipped: 0 });
    expect(byTable.container_series).toMatchObject({ inBackup: 1, added: 1 });
    expect(byTable.metric_samples).toMatchObject({ inBackup: 10, added: 10 });
    // Backup orders the key tables before the rows pointing at them.
    const order = summary.tables.map((t) => t.table);
    expect(order.indexOf('metric_series')).toBeLessThan(order.indexOf('metric_samples'));
    expect(order.indexOf('container_series')).toBeLessThan(order.indexOf('container_rollups'));

    // New integers here, every row under its own server again; the target's own rows untouched.
    const series = rawDb(target).prepare('SELECT id, "serverId" FROM metric_series ORDER BY id').all();
    expect(series).toEqual([{ id: 1, serverId: own }, { id: 2, serverId: alpha }, { id: 3, serverId: beta }]);
    const imported = metricsById(target);
    const notOwn = <T extends { serverId?: unknown }>(rows: T[]) => rows.filter((r) => r.serverId !== own);
    expect(notOwn(imported.samples as Array<{ serverId: string }>)).toEqual(exported.samples);
    expect(notOwn(imported.rollups as Array<{ serverId: string }>)).toEqual(exported.rollups);
    expect(imported.appSamples).toEqual(exported.appSamples);
    expect(imported.appRollups).toEqual(exported.appRollups);
    expect(imported.rollups.filter((r) => (r as { serverId: string }).serverId === own)).toEqual(ownRows.rollups);
    expect(await new SeriesKeys(target.kernel.dataSource).findServer(alpha)).toBe(2);

    // Imported again: the series match by server, nothing is added twice.
    const again = await backupService(target).import(() => fs.createReadStream(file), { password: BACKUP_PASSWORD, onConflict: 'skip', apply: true });
    expect(Object.fromEntries(again.tables.map((t) => [t.table, t])).metric_series).toMatchObject({ inBackup: 2, added: 0, skipped: 2 });
    expect(metricsById(target)).toEqual(imported);
  } finally {
    await target?.stop();
    await source.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 60000);
