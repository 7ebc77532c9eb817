import type { TestKernel } from '@tomo/kernel/testing';
import { backupHooks } from '@tomo/plugin-backup/api';
import { addServer, addUser, ADMIN, BACKUP_PASSWORD, CAROL, login, SERVER_PASSWORD, startBackupKernel } from './support/backup-kernel';

// Settings → Backup over HTTP: admin only; export downloads the file; import is upload →
// preview (what would change) → apply; no response holds the password or a credential.

let source: TestKernel;
let target: TestKernel;
let adminToken: string;
let userToken: string;
let targetAdmin: string;

beforeAll(async () => {
  source = await startBackupKernel();
  await addUser(source, ADMIN, 'admin');
  await addUser(source, CAROL);
  adminToken = await login(source, ADMIN);
  userToken = await login(source, CAROL);
  await addServer(source, adminToken, 'alpha');
  target = await startBackupKernel();
  await addUser(target, ADMIN, 'admin');
  targetAdmin = await login(target, ADMIN);
});
afterAll(async () => {
  await source?.stop();
  await target?.stop();
});

async function download(t: TestKernel, token: string, body: unknown): Promise<Response> {
  return fetch(`${t.url}/api/backup/export`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
async function upload(t: TestKernel, token: string, bytes: Buffer): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}/api/backup/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
  return { status: res.status, body: await res.json() };
}

test('a user (not an admin) can neither export nor import', async () => {
  expect((await download(source, userToken, { password: BACKUP_PASSWORD })).status).toBe(403);
  expect((await upload(source, userToken, Buffer.from('x'))).status).toBe(403);
  const id = '00000000-0000-4000-8000-000000000000';
  for (const step of ['preview', 'apply']) {
    expect((await source.request('POST', `/api/backup/uploads/${id}/${step}`, { token: userToken, body: { password: BACKUP_PASSWORD } })).status).toBe(403);
  }
  expect((await source.request('DELETE', `/api/backup/uploads/${id}`, { token: userToken })).status).toBe(403);
  expect((await download(source, '', { password: BACKUP_PASSWORD })).status).toBe(401);
});

test('export → upload → preview → apply, with the conflicts listed; no response holds a secret', async () => {
  const short = await download(source, adminToken, { password: 'short' });
  expect(short.status).toBe(400);
  expect(await short.json()).toMatchObject({ error: { field: 'password', message: 'must be at least 12 characters' } });

  const res = await download(source, adminToken, { password: BACKUP_PASSWORD, includeHistory: false });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="tomo-backup-.*\.enc"/);
  const file = Buffer.from(await res.arrayBuffer());
  expect(file.subarray(0, 21).toString()).toBe('age-encryption.org/v1');

  const up = await upload(target, targetAdmin, file);
  expect(up.status).toBe(201);
  const wrong = await target.request('POST', `/api/backup/uploads/${up.body.id}/preview`, { token: targetAdmin, body: { password: 'wrong-password-here' } });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error).toMatchObject({ code: 'backup_wrong_password', message: 'Wrong password: this backup does not open with it' });

  const preview = await target.request('POST', `/api/backup/uploads/${up.body.id}/preview`, { token: targetAdmin, body: { password: BACKUP_PASSWORD, onConflict: 'skip' } });
  expect(preview.status).toBe(200);
  expect(preview.body.summary).toMatchObject({ applied: false, conflictCount: 1, conflicts: [{ table: 'auth_users', what: 'user admin', action: 'skip' }] });
  const apply = await target.request('POST', `/api/backup/uploads/${up.body.id}/apply`, { token: targetAdmin, body: { password: BACKUP_PASSWORD, onConflict: 'skip' } });
  expect(apply.status).toBe(200);
  expect(apply.body.summary.applied).toBe(true);
  expect(apply.body.summary.tables.find((t: { table: string }) => t.table === 'servers')).toMatchObject({ added: 1 });
  // The upload is gone once applied.
  expect((await target.request('POST', `/api/backup/uploads/${up.body.id}/apply`, { token: targetAdmin, body: { password: BACKUP_PASSWORD } })).status).toBe(404);

  const everything = JSON.stringify([preview.body, apply.body, wrong.body]) + [...source.logs(), ...target.logs()].join('\n');
  expect(everything).not.toContain(BACKUP_PASSWORD);
  expect(everything).not.toContain(SERVER_PASSWORD);
});

test('bad uploads: empty, unknown id, bad onConflict; an upload can be forgotten', async () => {
  expect((await upload(target, targetAdmin, Buffer.alloc(0))).body).toMatchObject({ error: { field: 'file', message: 'is empty' } });
  const missing = await target.request('POST', '/api/backup/uploads/00000000-0000-4000-8000-000000000000/preview', { token: targetAdmin, body: { password: 'x' } });
  expect(missing.status).toBe(404);
  const up = await upload(target, targetAdmin, Buffer.from('age-encryption.org/v1\n'));
  const bad = await target.request('POST', `/api/backup/uploads/${up.body.id}/preview`, { token: targetAdmin, body: { password: 'x', onConflict: 'merge' } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe('onConflict');
  expect((await target.request('DELETE', `/api/backup/uploads/${up.body.id}`, { token: targetAdmin })).status).toBe(204);
  expect((await target.request('POST', `/api/backup/uploads/${up.body.id}/preview`, { token: targetAdmin, body: { password: 'x' } })).status).toBe(404);
});

// Last in the file: the slow recorder it adds stays tapped.
test('the download ends only once the export is recorded: whoever has the file also finds its activity entry', async () => {
  let recorded = false;
  source.kernel.hooks.of(backupHooks).exportFinished.tapPromise('test-slow-recorder', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    recorded = true;
  });
  const res = await download(source, adminToken, { password: BACKUP_PASSWORD });
  expect(res.status).toBe(200);
  expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  expect(recorded).toBe(true);
});
