import { definePlugin, runSql } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dropTestDatabase, testDatabaseUrl } from '../src/testing/test-database';
import { requirePostgresServer } from './support/postgres-server';
import { makeTempDir, removeTempDirs } from './support/temp-dir';

// kernel/src/db/run-migrations-once.ts on PostgreSQL: several Tomo instances starting at once on
// one fresh database (a rolling deploy, two replicas) must all come up, with every migration
// applied exactly once. Without the advisory lock both would see the migrations pending and run
// them together: the second CREATE TABLE fails (or waits and fails), and the insert runs twice.

class OnceTable1700000000101 implements MigrationInterface {
  name = 'OnceTable1700000000101';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({ name: 'once_runs', columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }] }));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('once_runs');
  }
}

class OnceSlowInsert1700000000102 implements MigrationInterface {
  name = 'OnceSlowInsert1700000000102';
  async up(q: QueryRunner): Promise<void> {
    // Slow on purpose: it widens the window in which the other instance would run it too.
    await q.query('SELECT pg_sleep(0.5)');
    await q.query('INSERT INTO "once_runs" DEFAULT VALUES');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM "once_runs"');
  }
}

const oncePlugin = definePlugin({ id: 'once', migrations: [OnceTable1700000000101, OnceSlowInsert1700000000102] });

let holder: string;
let url: string;
const kernels: TestKernel[] = [];

beforeAll(async () => {
  requirePostgresServer();
  // One fresh database, remembered in a folder of its own so it can be dropped at the end.
  holder = makeTempDir('tomo-migrate-once-');
  url = (await testDatabaseUrl(holder))!;
});
afterAll(async () => {
  for (const k of kernels) await k.stop();
  if (holder) await dropTestDatabase(holder);
  removeTempDirs();
});

test('two kernels starting at once on one fresh database both come up; each migration is applied once', async () => {
  const start = () => startTestKernel({ plugins: [oncePlugin], config: { database: { url, poolSize: 2 } } });
  const started = await Promise.allSettled([start(), start()]);
  for (const s of started) if (s.status === 'fulfilled') kernels.push(s.value);
  expect(started.map((s) => (s.status === 'fulfilled' ? 'up' : String(s.reason)))).toEqual(['up', 'up']);

  const db = kernels[0].kernel.dataSource;
  expect(await runSql(db, 'SELECT COUNT(*) AS "n" FROM "once_runs"')).toEqual([{ n: 1 }]);
  const applied = await runSql<{ name: string; n: number }>(db, 'SELECT "name", COUNT(*) AS "n" FROM "migrations" GROUP BY "name" ORDER BY "name"');
  expect(applied).toEqual([
    { name: 'OnceSlowInsert1700000000102', n: 1 },
    { name: 'OnceTable1700000000101', n: 1 },
  ]);
  // Both see a fully migrated database: each is ready.
  for (const k of kernels) expect((await k.request('GET', '/health/ready')).body).toEqual({ status: 'ready' });
});

test('a third kernel started afterwards finds nothing to apply and leaves the data alone', async () => {
  const third = await startTestKernel({ plugins: [oncePlugin], config: { database: { url, poolSize: 2 } }, listen: false });
  kernels.push(third);
  expect(await runSql(third.kernel.dataSource, 'SELECT COUNT(*) AS "n" FROM "once_runs"')).toEqual([{ n: 1 }]);
  expect(await runSql(third.kernel.dataSource, 'SELECT COUNT(*) AS "n" FROM "migrations"')).toEqual([{ n: 2 }]);
});
