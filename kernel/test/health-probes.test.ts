import { definePlugin, runSql } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { freePort } from '../../test-support/ports';
import { testAuthPlugin } from './support/test-auth';
import { testNotesPlugin } from './support/notes-plugin';

// The probes against a real kernel, on either engine (the SQLite file's own checks are in
// health-probes-sqlite-file.test.ts; PostgreSQL's in readiness.postgres.test.ts).

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin] });
});
afterAll(() => t.stop());

test('/health/live and /health/ready answer 200 without credentials, and tell no version', async () => {
  const live = await t.request('GET', '/health/live');
  expect({ status: live.status, body: live.body }).toEqual({ status: 200, body: { status: 'ok' } });
  const ready = await t.request('GET', '/health/ready');
  expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'ready' } });
  for (const res of [live, ready]) {
    expect(JSON.stringify([...res.headers])).not.toMatch(/\d+\.\d+\.\d+/);
  }
});

test('/health/ready turns 503 when a migration is not recorded as applied', async () => {
  const db = t.kernel.dataSource;
  const [row] = await runSql<{ id: number; timestamp: number; name: string }>(db, 'SELECT * FROM "migrations" ORDER BY "id" DESC LIMIT 1');
  await runSql(db, 'DELETE FROM "migrations" WHERE "id" = ?', [row.id]);
  try {
    const res = await t.request('GET', '/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe('Not ready: 1 database migration(s) not applied');
  } finally {
    await runSql(db, 'INSERT INTO "migrations" ("id", "timestamp", "name") VALUES (?, ?, ?)', [row.id, row.timestamp, row.name]);
  }
  expect((await t.request('GET', '/health/ready')).status).toBe(200);
});

test('while plugins are still starting (a ready step running), live is 200 and ready is 503', async () => {
  const port = await freePort();
  const seen: Record<string, { status: number; body: unknown }> = {};
  const slowStarter = definePlugin({
    id: 'slow-starter',
    async ready() {
      for (const probe of ['live', 'ready']) {
        const res = await fetch(`http://127.0.0.1:${port}/health/${probe}`);
        seen[probe] = { status: res.status, body: await res.json() };
      }
    },
  });
  const k = await startTestKernel({ plugins: [slowStarter], config: { server: { port } } });
  try {
    expect(seen.live).toEqual({ status: 200, body: { status: 'ok' } });
    expect(seen.ready).toEqual({ status: 503, body: { error: { code: 'not_ready', message: 'Not ready: Tomo is starting' } } });
    expect((await k.request('GET', '/health/ready')).status).toBe(200);
  } finally {
    await k.stop();
  }
});
