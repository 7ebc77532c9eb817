/**
 * The series-keys migration (1764900500000) on the engine the tests run on (SQLite, or PostgreSQL
 * with TOMO_TEST_DATABASE_URL): its raw SQL (renames, INSERT … SELECT … JOIN, the unit
 * conversions) reverted and run again on a migrated database with rows gives back the same rows
 * under the same servers and apps, the values exact (stored units to measured floats and back).
 * series-keys-migration.test.ts covers the upgrade of a release 0.1 SQLite file itself.
 */
import { runSql } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { authPlugin } from '../../auth/src/plugin';
import { serversPlugin } from '../../servers/src/plugin';
import { preparationPlugin } from '../../preparation/src/plugin';
import { appsPlugin } from '../../apps/src/plugin';
import { monitoringPlugin } from '../src/plugin';
import { MetricSampleEntity } from '../src/entities/metric-sample.entity';
import { SeriesKeys } from '../src/metrics/series-keys';
import { MonitoringSeriesKeys1764900500000 } from '../src/migrations/1764900500000-monitoring-series-keys';

const T0 = Date.UTC(2040, 0, 1) / 1000;
const SERVER = '00000000-0000-4000-8000-00000000000a';
const APP = '00000000-0000-4000-8000-0000000000c1';

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin, monitoringPlugin], listen: false, config: { monitoring: { intervalSeconds: 3600 } } });
});
afterAll(async () => {
  await t?.stop();
});

/** Every metric row, by server or app id (the integers may change), values as stored. */
async function rowsById() {
  const ds = t.kernel.dataSource;
  return {
    samples: await runSql(ds, 'SELECT k."serverId", m."ts", m."cpuPercent", m."memUsedBytes", m."load1", m."latencyMs", m."uptimeSeconds" FROM "metric_samples" m JOIN "metric_series" k ON k."id" = m."seriesId" ORDER BY 1, 2'),
    rollups: await runSql(ds, 'SELECT k."serverId", r."resolution", r."ts", r."samples", r."cpuPercentAvg", r."memUsedBytesAvg", r."latencyMsMax" FROM "metric_rollups" r JOIN "metric_series" k ON k."id" = r."seriesId" ORDER BY 1, 2, 3'),
    appSamples: await runSql(ds, 'SELECT k."installationId", k."serverId", c."ts", c."cpuPercent", c."memBytes" FROM "container_samples" c JOIN "container_series" k ON k."id" = c."seriesId" ORDER BY 1, 3'),
    appRollups: await runSql(ds, 'SELECT k."installationId", r."ts", r."cpuPercentAvg", r."memBytesMax" FROM "container_rollups" r JOIN "container_series" k ON k."id" = r."seriesId" ORDER BY 1, 2'),
  };
}

test('reverting the series keys and running them again keeps every row under its server and app, the values exact', async () => {
  const ds = t.kernel.dataSource;
  const keys = new SeriesKeys(ds);
  const series = await keys.ofServer(SERVER);
  const app = await keys.ofApp(APP, SERVER);
  await ds.getRepository(MetricSampleEntity).insert(
    [0, 1, 2].map((i) => ({ seriesId: series, ts: T0 + i * 30, cpuPercent: 12.34 + i, memUsedBytes: (1000 + i) * 1024, load1: 0.07 * i, latencyMs: 1.3 + i, uptimeSeconds: 86400 + i })),
  );
  await runSql(ds, 'INSERT INTO "metric_rollups" ("seriesId", "resolution", "ts", "samples", "cpuPercentSamples", "cpuPercentAvg", "memUsedBytesAvg", "latencyMsMax") VALUES (?, 300, ?, 10, 10, 1234, 1000, 13), (?, 3600, ?, 120, 120, 4321, 2000, 25)', [series, T0 - 300, series, T0 - 3600]);
  await runSql(ds, 'INSERT INTO "container_samples" ("seriesId", "ts", "cpuPercent", "memBytes") VALUES (?, ?, 150, 2048)', [app, T0]);
  await runSql(ds, 'INSERT INTO "container_rollups" ("seriesId", "resolution", "ts", "samples", "cpuPercentSamples", "cpuPercentAvg", "memBytesMax") VALUES (?, 300, ?, 10, 10, 99, 4096)', [app, T0 - 300]);
  const before = await rowsById();
  expect(before.samples).toHaveLength(3);

  const migration = new MonitoringSeriesKeys1764900500000();
  const runner = ds.createQueryRunner();
  try {
    await runner.startTransaction();
    await migration.down(runner);
    // Keyed by the ids again, the values as measured.
    const reverted = await runSql(runner, 'SELECT "serverId", "cpuPercent", "memUsedBytes" FROM "metric_samples" ORDER BY "ts"');
    expect(reverted[0]).toEqual({ serverId: SERVER, cpuPercent: 12.34, memUsedBytes: 1000 * 1024 });
    expect(await runSql(runner, 'SELECT "installationId", "cpuPercentAvg" FROM "container_rollups"')).toEqual([{ installationId: APP, cpuPercentAvg: 0.99 }]);
    await migration.up(runner);
    await runner.commitTransaction();
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  }
  expect(await rowsById()).toEqual(before);
});
