import fs from 'node:fs';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { testAuthPlugin } from './support/test-auth';

// /health/ready's checks of the SQLite FILE itself (SQLite only: scripts/postgres/test-files.js
// lists this file in SQLITE_ONLY). The database file is made unavailable by renaming it away and
// by putting another file in its place: tests run as root in CI, where chmod 000 stops nobody,
// and an open connection keeps its descriptor whatever the mode.

let t: TestKernel;
let file: string;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [testAuthPlugin] });
  const database = t.kernel.config.database;
  if (database.kind !== 'sqlite') throw new Error('This file is about the SQLite file: run it without TOMO_TEST_DATABASE_URL.');
  file = database.file;
});
afterAll(() => t.stop());

test('/health/ready turns 503 when the database file is renamed away, and 200 once it is back', async () => {
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
