/**
 * Backups in the activity log: an export and an applied import are entries (who, door, rows),
 * a preview is none, a failed import is a failed entry; never the backup password. Admins only.
 */
import { PassThrough } from 'node:stream';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { BackupTokens } from '@tomo/plugin-backup/api';
import { addServer, addUser, ADMIN, BACKUP_PASSWORD, CAROL, login } from '../../backup/test/support/backup-kernel';
import { ACTIVITY_PLUGINS, ACTIVITY_MODULES } from './support/activity-plugins';

let t: TestKernel;
let admin: string;
let carol: string;

beforeAll(async () => {
  t = await startTestKernel({
    plugins: ACTIVITY_PLUGINS,
    modules: ACTIVITY_MODULES,
    listen: true,
    config: { backup: { scryptWorkFactor: 10 }, monitoring: { intervalSeconds: 3600 } },
  });
  await addUser(t, ADMIN, 'admin');
  await addUser(t, CAROL);
  admin = await login(t, ADMIN);
  carol = await login(t, CAROL);
  await addServer(t, admin, 'alpha');
});
afterAll(async () => {
  await t?.stop();
});

const entries = async (token = admin) => ((await t.request('GET', '/api/activity?action=backup', { token })).body.entries as any[]);

test('export over HTTP, preview (no entry), apply, a wrong password; then the command line door', async () => {
  const exported = await fetch(`${t.url}/api/backup/export`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: BACKUP_PASSWORD }),
  });
  expect(exported.status).toBe(200);
  const file = Buffer.from(await exported.arrayBuffer());
  expect((await entries())[0]).toMatchObject({ action: 'backup.export', result: 'ok', door: 'api', username: 'admin', targetType: 'instance', detail: expect.stringMatching(/1 servers?.*KiB/) });

  const up = await fetch(`${t.url}/api/backup/uploads`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/octet-stream' }, body: file });
  const { id } = (await up.json()) as { id: string };
  expect((await t.request('POST', `/api/backup/uploads/${id}/preview`, { token: admin, body: { password: BACKUP_PASSWORD } })).status).toBe(200);
  expect(await entries()).toHaveLength(1);
  expect((await t.request('POST', `/api/backup/uploads/${id}/apply`, { token: admin, body: { password: 'not-the-password-1234' } })).status).toBe(400);
  expect((await t.request('POST', `/api/backup/uploads/${id}/apply`, { token: admin, body: { password: BACKUP_PASSWORD, onConflict: 'skip' } })).status).toBe(200);
  const [applied, failed] = await entries();
  expect(applied).toMatchObject({ action: 'backup.import', result: 'ok', door: 'api', username: 'admin', detail: expect.stringMatching(/0 added, 0 replaced, \d+ skipped \(on conflict: skip\)/) });
  expect(failed).toMatchObject({ action: 'backup.import', result: 'failed', door: 'api', detail: expect.stringMatching(/password/i) });

  await t.kernel.resolve(BackupTokens.BackupService).export(new PassThrough().resume(), {
    password: BACKUP_PASSWORD,
    includeHistory: true,
    call: { transport: 'cli', clientIp: 'local', requestId: 'test', log: t.kernel.logger },
  });
  // With history the log's own table is carried (declared by the activity plugin's backup.tables module); without, it is not.
  expect((await entries())[0]).toMatchObject({ action: 'backup.export', door: 'cli', detail: expect.stringMatching(/\b[1-9]\d* activity_log\b.*with history/) });
  expect((await entries()).at(-1).detail).not.toMatch(/activity_log/);

  // A user sees none of them; no entry holds the password.
  expect(await entries(carol)).toEqual([]);
  expect(JSON.stringify(await entries())).not.toContain(BACKUP_PASSWORD);
});
