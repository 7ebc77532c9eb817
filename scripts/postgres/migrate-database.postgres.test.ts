/**
 * Issue 24, acceptance 3: `tomo migrate-database` moves a SQLite instance with users, a server
 * (real sshd, sealed password), an app installed on it (Docker over SSH, a sealed app secret) and
 * metric history to PostgreSQL, and everything
 * works after the switch: the same login, test_connection with the carried credentials, the app
 * with its real state read over SSH, the same history. Real processes (`tomo serve`, `tomo migrate-database`) on the test bed; PostgreSQL
 * pass only (scripts/postgres/test-files.js): it fails without TOMO_TEST_DATABASE_URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, runTomo, serveTomo } from '../../plugins/auth/test/support/tomo-cli';
import { markPreparedInDatabase, removeServerApps, TEST_CATALOG } from '../../plugins/apps/test/support/apps-kernel';
import { freePort } from '../../test-support/ports';
import { loadTestbed } from '../testbed/testbed.js';
import { api, scratchDatabase } from './support/processes-api';
import { useTestbedPostgres } from '../../test-support/testbed-postgres';

useTestbedPostgres();

const ADMIN = { username: 'admin', password: 'migrate-password-1234' };
const server = () => {
  const { ssh } = loadTestbed();
  return { name: 'testbed', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } };
};

let dataDir: string;
let serverId: string | undefined;
const dataRoots: string[] = [];
let target: Awaited<ReturnType<typeof scratchDatabase>>;
let targetUrl: string;

beforeAll(async () => {
  useTestbedPostgres();
  assertBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-migrate-db-'));
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-migrate-db-apps-'));
  dataRoots.push(dataRoot);
  fs.writeFileSync(path.join(dataDir, 'config.yaml'), `monitoring:\n  intervalSeconds: 1\napps:\n  dataRoot: ${dataRoot}\n  stopTimeoutSeconds: 1\n`);
  target = await scratchDatabase('migrate');
  targetUrl = target.url;
});

afterAll(async () => {
  if (serverId) await removeServerApps(serverId).catch(() => undefined);
  for (const dir of [dataDir, ...dataRoots]) fs.rmSync(dir, { recursive: true, force: true });
  await target?.drop().catch(() => undefined);
});

test('a SQLite instance moves to PostgreSQL in one command, verified, and works there as before', async () => {
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: path.join(dataDir, 'config.yaml'), TOMO_CATALOG_DIRS: TEST_CATALOG };
  const created = runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'admin@example.org', '--password-stdin'], env, `${ADMIN.password}\n`);
  expect(created.status).toBe(0);

  // Before: on SQLite, a server added over the real sshd and polled a few times.
  const before = await serveTomo(env);
  let installationId: string;
  let historyBefore: { points: unknown[] };
  try {
    const token = (await api(before.url, 'POST', '/api/auth/login', undefined, ADMIN)).body.token as string;
    const added = await api(before.url, 'POST', '/api/servers', token, server());
    expect(added.status).toBe(201);
    serverId = added.body.id;
    expect((await api(before.url, 'POST', `/api/servers/${serverId}/test`, token)).body).toMatchObject({ ok: true });
    // An app: the server recorded as prepared (as apps' tests do), then a real install over SSH.
    await markPreparedInDatabase(path.join(dataDir, 'tomo.db'), serverId!);
    const installed = await api(before.url, 'POST', `/api/servers/${serverId}/apps`, token, { appId: 'web-hello', ports: { '80/tcp': await freePort() } });
    expect(installed.status).toBe(202);
    installationId = installed.body.installation.id;
    for (const deadline = Date.now() + 60000; ; ) {
      const state = (await api(before.url, 'GET', `/api/apps/installations/${installationId}`, token)).body.installation.state;
      if (state === 'running') break;
      if (state === 'failed' || Date.now() > deadline) throw new Error(`the install ended ${state}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const deadline = Date.now() + 30000;
    for (;;) {
      historyBefore = (await api(before.url, 'GET', `/api/metrics/servers/${serverId}?period=24h`, token)).body;
      if (historyBefore.points.length > 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(historyBefore.points.length).toBeGreaterThan(0);
  } finally {
    expect(await before.stop()).toBe(0);
  }

  // The move: a bad --to is refused naming the option, then the real one.
  const refused = runTomo(['migrate-database', '--to', 'mysql://u:hunter2@h/db'], env);
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain('--to: must be postgres://');
  expect(refused.stderr + refused.stdout).not.toContain('hunter2');
  const moved = runTomo(['migrate-database', '--to', targetUrl], env);
  expect(moved.stderr).toBe('');
  expect(moved.status).toBe(0);
  expect(moved.stdout).toMatch(/^ok +auth_users +1 → 1 /m);
  expect(moved.stdout).toMatch(/^ok +servers +1 → 1 /m);
  expect(moved.stdout).toMatch(/^ok +app_installations +1 → 1 /m);
  expect(moved.stdout).toMatch(/^ok +metric_samples +[1-9]\d* → [1-9]\d* /m);
  expect(moved.stdout).not.toContain('MISMATCH');
  expect(moved.stdout).toMatch(/Copied and verified \d+ tables, \d+ rows\./);
  // The password in the URL is never printed.
  expect(moved.stdout + moved.stderr).not.toContain(new URL(targetUrl).password);
  // A second run refuses: the target is no longer empty, and nothing is written.
  const again = runTomo(['migrate-database', '--to', targetUrl], env);
  expect(again.status).not.toBe(0);
  expect(again.stderr).toContain('is not empty');

  // After: the same instance on PostgreSQL (the SQLite file moved away, so nothing can read it).
  fs.renameSync(path.join(dataDir, 'tomo.db'), path.join(dataDir, 'tomo.db.moved'));
  const after = await serveTomo({ ...env, TOMO_DATABASE_URL: targetUrl });
  try {
    const login = await api(after.url, 'POST', '/api/auth/login', undefined, ADMIN);
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const { servers } = (await api(after.url, 'GET', '/api/servers', token)).body;
    expect(servers.map((s: { id: string }) => s.id)).toEqual([serverId!]);
    // The sealed SSH password was carried: the connection test opens it and logs in.
    expect((await api(after.url, 'POST', `/api/servers/${serverId!}/test`, token)).body).toMatchObject({ ok: true });
    // The app: listed with the state its container has now, read over SSH with the carried credentials.
    const app = await api(after.url, 'GET', `/api/apps/installations/${installationId!}`, token);
    expect(app.status).toBe(200);
    expect(app.body.installation).toMatchObject({ id: installationId!, state: 'running', serverId: serverId! });
    const history = await api(after.url, 'GET', `/api/metrics/servers/${serverId!}?period=24h`, token);
    expect(history.status).toBe(200);
    const historyAfter = history.body;
    // The copied samples are there (polling goes on, so the newest bucket may have grown since).
    expect(historyAfter.points.length).toBeGreaterThanOrEqual(historyBefore!.points.length);
    const samples = (h: { points: unknown[] }) => (h.points as Array<{ samples: number }>).reduce((n, p) => n + p.samples, 0);
    expect(samples(historyAfter)).toBeGreaterThanOrEqual(samples(historyBefore!));
  } finally {
    await after.stop();
  }
}, 120000);
