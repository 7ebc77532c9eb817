/**
 * Faults: Tomo killed (SIGKILL, no shutdown at all: a crash, an OOM kill, a power cut of the
 * process) in the middle of an operation that writes. After a restart the database passes
 * `PRAGMA integrity_check`, the operation shows as interrupted, and it can be done again.
 *
 * - an app install on the test bed (the test catalog's web-hello), killed once its container
 *   exists: the install shows `failed` ("interrupted by a restart"), uninstalling removes the
 *   container left behind, and installing again runs.
 * - a `tomo import` of a large backup (made by `tomo export --include-history`), killed while it
 *   applies: every table is exactly as before the import, and the import run again applies it all.
 * - a preparation: plugins/preparation/test/preparation-faults.e2e.test.ts ("Tomo is killed
 *   (SIGKILL) during a preparation") kills `tomo serve` on a fresh Debian machine in the middle of
 *   the run, checks the run shows failed ("Interrupted by a restart"), that a retry completes, and
 *   that the database passes `PRAGMA integrity_check`; it is not repeated here.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertBuilt, runTomo, TOMO_BIN } from '../../plugins/auth/test/support/tomo-cli';
import { fetchPage, localDocker, markPreparedInDatabase, TEST_CATALOG, testbed } from '../../plugins/apps/test/support/apps-kernel';
import { BACKUP_PASSWORD, createInstance, integrityCheck, tableDigests, waitFor, type Instance } from './support/faults';
import { freePort } from '../../test-support/ports';

jest.setTimeout(120000);

const instances: Instance[] = [];
const installationIds: string[] = [];

beforeAll(() => assertBuilt());

afterAll(async () => {
  for (const i of instances) await i.served?.kill();
  const docker = localDocker();
  for (const id of installationIds) {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`io.tomo.installation=${id}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  }
  for (const i of instances) fs.rmSync(i.dir, { recursive: true, force: true });
});

describe('SIGKILL during an app install', () => {
  test('the install shows failed (interrupted by a restart), the database is intact, uninstall and a new install work', async () => {
    const dataRoot = path.join('/tmp', `tomo-faults-apps-${crypto.randomBytes(4).toString('hex')}`);
    const t = await createInstance({ config: `catalog:\n  dirs: [${JSON.stringify(TEST_CATALOG)}]\napps:\n  dataRoot: ${JSON.stringify(dataRoot)}\n  stopTimeoutSeconds: 1\n` });
    instances.push(t);
    try {
      await t.serve();
      let token = await t.login();
      const { ssh } = testbed();
      const added = await t.call('POST', '/api/servers', token, { name: 'testbed', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
      expect(added.status).toBe(201);
      const serverId = added.body.id as string;
      await markPreparedInDatabase(t.dbFile, serverId);

      const port = await freePort();
      const res = await t.call('POST', `/api/servers/${serverId}/apps`, token, { appId: 'web-hello', ports: { '80/tcp': port } });
      expect(res.status).toBe(202);
      const id = res.body.installation.id as string;
      installationIds.push(id);
      // Killed once its container exists: the worst moment (Tomo's record says installing, the engine has a container).
      const docker = localDocker();
      await waitFor('the install to create its container', async () => (await docker.listContainers({ all: true, filters: { label: [`io.tomo.installation=${id}`] } })).length > 0, 60000, 10);
      await t.served!.kill();
      expect(integrityCheck(t.dbFile)).toBe('ok');
      const row = new Database(t.dbFile, { readonly: true }).prepare('SELECT state FROM app_installations WHERE id = ?').get(id) as { state: string };
      expect(row.state).toBe('installing'); // the kill did cut it off

      await t.serve();
      token = await t.login();
      const after = (await t.call('GET', `/api/apps/installations/${id}`, token)).body.installation;
      expect(after).toMatchObject({ state: 'failed', error: expect.stringMatching(/interrupted by a restart/) });
      const listed = (await t.call('GET', '/api/apps/installations', token)).body;
      expect(JSON.stringify(listed)).toContain(id);

      // Retry: uninstall removes what was left, a new install of the same app on the same port runs.
      const removed = await t.call('DELETE', `/api/apps/installations/${id}?deleteData=true`, token);
      expect(removed.status).toBe(200);
      expect(await docker.listContainers({ all: true, filters: { label: [`io.tomo.installation=${id}`] } })).toEqual([]);
      const again = await t.call('POST', `/api/servers/${serverId}/apps`, token, { appId: 'web-hello', ports: { '80/tcp': port } });
      expect(again.status).toBe(202);
      installationIds.push(again.body.installation.id);
      let installed: any;
      await waitFor('the new install to finish', async () => {
        installed = (await t.call('GET', `/api/apps/installations/${again.body.installation.id}`, token)).body.installation;
        return installed.state !== 'installing';
      }, 60000, 200);
      expect(installed).toMatchObject({ state: 'running', error: null });
      expect(await fetchPage(port)).toMatch(/tomo-test-httpd ok/);
      expect((await t.call('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, token)).status).toBe(200);
      await t.served!.stop();
      expect(integrityCheck(t.dbFile)).toBe('ok');
    } finally {
      fs.rmSync(dataRoot, { recursive: true, force: true });
    }
  });
});

/** History rows written straight into the source's database (the activity log is append-only data). */
function seedHistory(dbFile: string, rows: number): void {
  const db = new Database(dbFile);
  try {
    const insert = db.prepare('INSERT INTO activity_log (id, at, userId, username, ownerId, action, targetType, targetId, targetName, serverId, result, detail, door, clientIp) VALUES (?, ?, NULL, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?)');
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i < rows; i++) {
        const at = new Date(now - i * 1000).toISOString().replace('T', ' ').replace('Z', '');
        insert.run(crypto.randomUUID(), at, 'admin', 'server.updated', 'server', crypto.randomUUID(), `server-${i}`, i % 7 ? 'ok' : 'failed', `seeded history row ${i} ${'x'.repeat(120)}`, 'api', '127.0.0.1');
      }
    })();
  } finally {
    db.close();
  }
}

describe('SIGKILL during `tomo import`', () => {
  test('killed while applying: every table as before, the database intact; the import run again applies it all', async () => {
    const ROWS = 20000;
    const source = await createInstance();
    // The target: the same fresh instance (same admin: a conflict, skipped), with a history of its own.
    const target = await createInstance({ copyDatabase: source.dbFile });
    instances.push(source, target);
    const passwordFile = path.join(source.dir, 'password');
    fs.writeFileSync(passwordFile, `${BACKUP_PASSWORD}\n`, { mode: 0o600 });
    seedHistory(source.dbFile, ROWS);
    const backup = path.join(source.dir, 'backup.age');
    const exported = runTomo(['export', '--output', backup, '--include-history', '--password-file', passwordFile], source.env);
    expect(exported.stderr).not.toMatch(/tomo export:/);
    expect(exported.status).toBe(0);

    seedHistory(target.dbFile, 50);
    const before = tableDigests(target.dbFile);

    const child = spawn(process.execPath, [TOMO_BIN, 'import', backup, '--password-file', passwordFile], {
      env: { PATH: process.env.PATH ?? '', ...target.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // Progress lines ("Importing: 12000/120050 rows (10%)") come only from the apply pass.
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (/Importing: \d+\/\d+ rows/.test(stderr)) resolve();
      });
      void exited.then(() => reject(new Error(`tomo import ended before applying was seen: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(stderr).not.toMatch(/100%/);

    expect(integrityCheck(target.dbFile)).toBe('ok');
    expect(tableDigests(target.dbFile)).toEqual(before);

    // Retry: the same import applies everything.
    const again = runTomo(['import', backup, '--password-file', passwordFile], target.env);
    expect(again.stderr).not.toMatch(/tomo import:/);
    expect(again.status).toBe(0);
    const after = tableDigests(target.dbFile);
    expect(after.activity_log.rows).toBeGreaterThanOrEqual(before.activity_log.rows + ROWS);
    expect(after.auth_users).toEqual(before.auth_users);
    expect(integrityCheck(target.dbFile)).toBe('ok');
  });
});
