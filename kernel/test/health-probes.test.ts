import fs from 'node:fs';
import { definePlugin } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { freePort } from '../../test-support/ports';
import { testAuthPlugin } from './support/test-auth';
import { testNotesPlugin } from './support/notes-plugin';

// The probes against a real kernel on a real SQLite file. The database file is made unavailable
// by renaming it away and by putting another file in its place: tests run as root in CI, where
// chmod 000 stops nobody, and an open connection keeps its descriptor whatever the mode.

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

test('/health/ready turns 503 when the database file is renamed away, and 200 once it is back', async () => {
  const file = t.kernel.config.database.file;
  fs.renameSync(file, `${file}.away`);
  try {
    const res = await t.request('GET', '/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: { code: 'not_ready', message: 'Not ready: the database file cannot be read (ENOENT)' } });
    // Liveness is about the process: it still answers.
    expect((await t.request('GET', '/health/live')).status).toBe(200);
  } finally {
    fs.renameSync(`${file}.away`, file);
  }
  expect((await t.request('GET', '/health/ready')).status).toBe(200);
});

test('/health/ready turns 503 when another file replaces the database, and 200 once it is back', async () => {
  const file = t.kernel.config.database.file;
  fs.renameSync(file, `${file}.real`);
  fs.writeFileSync(file, 'this is not a database, but it is long enough to be read as a header by SQLite itself.\n'.repeat(20));
  try {
    const res = await t.request('GET', '/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe('Not ready: the database file was replaced since Tomo opened it (restart Tomo)');
    expect(res.body.error.message).not.toContain(file);
  } finally {
    fs.renameSync(`${file}.real`, file);
  }
  expect((await t.request('GET', '/health/ready')).status).toBe(200);
});

test('/health/ready turns 503 when a migration is not recorded as applied', async () => {
  const [row] = (await t.kernel.dataSource.query('SELECT * FROM migrations ORDER BY id DESC LIMIT 1')) as Array<{ id: number; timestamp: number; name: string }>;
  await t.kernel.dataSource.query('DELETE FROM migrations WHERE id = ?', [row.id]);
  try {
    const res = await t.request('GET', '/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe('Not ready: 1 database migration(s) not applied');
  } finally {
    await t.kernel.dataSource.query('INSERT INTO migrations (id, timestamp, name) VALUES (?, ?, ?)', [row.id, row.timestamp, row.name]);
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
