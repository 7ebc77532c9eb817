import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { databaseName, onServer, requirePostgresServer } from './support/postgres-server';
import { testNotesPlugin } from './support/notes-plugin';
import { testAuthPlugin } from './support/test-auth';

// /health/ready on PostgreSQL (kernel/src/health/readiness.ts): no file to check, so it asks the
// server: does it answer, and are the migrations recorded there all applied. Here the server
// stops accepting connections to Tomo's database (as when it is restarted or the database is
// taken offline) and comes back: readiness must follow, without a restart of Tomo.

let t: TestKernel;
let name: string;

beforeAll(async () => {
  requirePostgresServer();
  t = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin] });
  const database = t.kernel.config.database;
  if (database.kind !== 'postgres') throw new Error('The test kernel is not on PostgreSQL');
  name = databaseName(database.url);
});
afterAll(async () => {
  if (name) await onServer(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
  await t?.stop();
});

/** Polls /health/ready until its status is `status` (the pool notices dropped connections asynchronously). */
async function readyTurns(status: number): Promise<{ status: number; body: any }> {
  const deadline = Date.now() + 10000;
  for (;;) {
    const res = await t.request('GET', '/health/ready');
    if (res.status === status || Date.now() > deadline) return { status: res.status, body: res.body };
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('ready on a migrated PostgreSQL database', async () => {
  expect(await readyTurns(200)).toEqual({ status: 200, body: { status: 'ready' } });
});

test('503 while the database refuses connections (with its code, never the URL); 200 again once it accepts them', async () => {
  await onServer(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
  await onServer('SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "datname" = $1', [name]);
  try {
    const down = await readyTurns(503);
    // 55000: "database … is not currently accepting connections".
    expect(down).toEqual({ status: 503, body: { error: { code: 'not_ready', message: 'Not ready: the database does not answer (55000)' } } });
    expect((await t.request('GET', '/health/live')).status).toBe(200);
  } finally {
    await onServer(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
  }
  expect(await readyTurns(200)).toEqual({ status: 200, body: { status: 'ready' } });
});

test('503 when a migration the plugins bring is not recorded on the server', async () => {
  const db = t.kernel.dataSource;
  const [row] = (await db.query('SELECT * FROM "migrations" WHERE "name" = $1', ['TestNotesInitial1700000000001'])) as Array<{ id: number; timestamp: number; name: string }>;
  await db.query('DELETE FROM "migrations" WHERE "id" = $1', [row.id]);
  try {
    expect(await readyTurns(503)).toEqual({ status: 503, body: { error: { code: 'not_ready', message: 'Not ready: 1 database migration(s) not applied' } } });
  } finally {
    await db.query('INSERT INTO "migrations" ("id", "timestamp", "name") VALUES ($1, $2, $3)', [row.id, row.timestamp, row.name]);
  }
  expect(await readyTurns(200)).toEqual({ status: 200, body: { status: 'ready' } });
});
