/**
 * Faults: the disk under the data folder fills up while `tomo serve` runs. The data folder (the
 * database, its WAL, the secrets and, by default, the log file) is a small tmpfs mounted for this
 * test, filled with a file until the kernel refuses another byte, while the metrics poller writes
 * a sample every second (a server on the test bed's sshd).
 *
 * Expected, and why 507: a write that cannot be stored is neither the caller's fault (4xx) nor a
 * bug to hide behind "internal error" (500): 507 Insufficient Storage (RFC 4918) says what
 * happened and that retrying later can work, as clean JSON `{ error: { code:
 * 'insufficient_storage', message } }` without a stack trace, a path or a secret. Reads keep
 * answering, the process keeps running (the poller's failed writes included), writes work again
 * as soon as space is freed, and after a restart the database passes `PRAGMA integrity_check`.
 *
 * Authenticating writes bookkeeping (an API token's `lastUsedAt` on its first use, a session's
 * `lastSeenAt` about once a minute); on a full disk that write fails quietly and the read it came
 * with still answers: an API token first used while the disk is full reads fine.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt } from '../../plugins/auth/test/support/tomo-cli';
import { testbed } from '../../plugins/apps/test/support/apps-kernel';
import { createInstance, integrityCheck, waitFor, type Instance } from './support/faults';

jest.setTimeout(120000);

let root: string;
let dataDir: string;
let mounted = false;
let t: Instance | undefined;

beforeAll(() => {
  assertBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-faults-disk-'));
  dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', dataDir]);
  mounted = true;
});

afterAll(async () => {
  await t?.served?.kill();
  if (mounted) {
    try {
      execFileSync('umount', [dataDir]);
    } catch {
      execFileSync('umount', ['-l', dataDir]);
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
  if (t) fs.rmSync(t.dir, { recursive: true, force: true });
});

/** Fills the file system with one file until it refuses even 512 bytes. */
function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const size of [1048576, 65536, 4096, 512]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          fs.writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A clean error answer: JSON, the disk named, nothing from inside Tomo. */
function expectDiskFullAnswer(res: { status: number; body: any; text: string }, secrets: string[]): void {
  expect(res.status).toBe(507);
  expect(res.body).toEqual({ error: { code: 'insufficient_storage', message: expect.stringMatching(/out of disk space.*free some space/) } });
  expect(res.text).not.toMatch(/\n\s+at |SQLITE|ENOSPC|\/tmp\/|node_modules/);
  for (const s of secrets) expect(res.text).not.toContain(s);
}

test('writes answer 507 insufficient_storage (clean JSON), reads keep working, no crash; after freeing space writes work and the database is intact', async () => {
  t = await createInstance({ dataDir, config: 'monitoring:\n  intervalSeconds: 1\n' });
  const served = await t.serve();
  const token = await t.login();
  const { ssh } = testbed();
  const server = (name: string) => ({ name, host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
  const added = await t.call('POST', '/api/servers', token, server('polled'));
  expect(added.status).toBe(201);
  // The poller is writing samples (one a second).
  await waitFor('a metrics sample', async () => (await t!.call('GET', '/api/metrics/servers', token)).body?.servers?.[0]?.latest != null, 30000, 500);

  // An API token made now and first used only once the disk is full (its lastUsedAt cannot be written then).
  const apiToken = (await t.call('POST', '/api/auth/tokens', token, { name: 'used-while-full' })).body.token as string;

  const filler = path.join(dataDir, 'filler');
  fill(filler);
  expect(fs.statfsSync(dataDir).bavail).toBe(0);

  // Writes: the first that needs a new page fails (SQLite may still fit a few in pages it has).
  let res = await t.call('POST', '/api/servers', token, server('during-0'));
  for (let i = 1; i < 200 && res.status === 201; i++) res = await t.call('POST', '/api/servers', token, server(`during-${i}`));
  expectDiskFullAnswer(res, [ssh.password]);
  expectDiskFullAnswer(await t.call('PATCH', `/api/servers/${added.body.id}`, token, { name: 'renamed-while-full' }), [ssh.password]);
  expectDiskFullAnswer(await t.call('POST', '/api/auth/tokens', token, { name: 'while-full' }), []);
  const login = await t.call('POST', '/api/auth/login', undefined, { username: 'admin', password: 'admin-password-1234' });
  expectDiskFullAnswer(login, ['admin-password-1234']);

  // Reads keep working, the background writes (poller) failing meanwhile crash nothing.
  for (const url of ['/api/servers', '/api/activity?pageSize=5', '/api/metrics/summary', '/api/apps/catalog', `/api/servers/${added.body.id}`]) {
    expect([url, (await t.call('GET', url, token)).status]).toEqual([url, 200]);
  }
  expect((await t.call('GET', '/api/servers', apiToken)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 3000));
  expect(isAlive(served.pid)).toBe(true);
  expect((await t.call('GET', '/health')).status).toBe(200);
  expect((await t.call('GET', '/api/servers', token)).body.servers.find((s: any) => s.id === added.body.id).name).toBe('polled');

  // Space is back: writes work again, at once.
  fs.rmSync(filler);
  const after = await t.call('POST', '/api/servers', token, server('after-full'));
  expect(after.status).toBe(201);
  expect((await t.call('PATCH', `/api/servers/${added.body.id}`, token, { name: 'renamed-after' })).status).toBe(200);

  expect(await served.stop()).toBe(0);
  expect(integrityCheck(t.dbFile)).toBe('ok');
  await t.serve();
  const again = await t.login();
  const names = (await t.call('GET', '/api/servers', again)).body.servers.map((s: any) => s.name).sort();
  expect(names).toEqual(expect.arrayContaining(['after-full', 'renamed-after']));
  await t.served!.stop();
  expect(integrityCheck(t.dbFile)).toBe('ok');
  // The operator was told: the log (written again once there was room) names the full disk.
  expect(fs.readFileSync(path.join(dataDir, 'logs', 'tomo.log'), 'utf8')).toMatch(/out of disk space/);
});
