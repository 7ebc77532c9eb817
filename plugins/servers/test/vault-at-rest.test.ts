/**
 * Credentials at rest: sealed by the kernel's vault (AES-256-GCM, `v1.<key id>.<payload>`), bound
 * to their server's id, readable again after a restart, and unreadable (with a clear error, not a
 * leak) when copied onto another record, tampered with, or when the vault key was replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KernelTokens, runSql } from '@tomo/kernel';
import { storedData } from '../../../test-support/stored-data';
import { startTestKernel } from '@tomo/kernel/testing';
import { authPlugin } from '../../auth/src/plugin';
import { serversPlugin } from '../src/plugin';
import { ADMIN, passwordServer, startServersKernel, testbed, type ServersKernel } from './support/servers-kernel';

jest.setTimeout(20000);

let t: ServersKernel;
beforeAll(async () => {
  t = await startServersKernel();
});
afterAll(async () => {
  await t?.stop();
});

const sealedOf = async (kernel: ServersKernel, id: string): Promise<string> =>
  (await runSql<{ credentialsSealed: string }>(kernel.kernel.dataSource, 'SELECT "credentialsSealed" FROM servers WHERE id = ?', [id]))[0].credentialsSealed;

async function add(name: string): Promise<string> {
  const res = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer(name) });
  expect(res.status).toBe(201);
  return res.body.id;
}

test('the stored value is a v1 sealed value under the vault key, bound to the server id, with a fresh nonce each time', async () => {
  const a = await add('sealed-a');
  const b = await add('sealed-b');
  const vault = t.kernel.resolve(KernelTokens.Vault);
  const sealedA = await sealedOf(t, a);
  const sealedB = await sealedOf(t, b);
  expect(sealedA).toMatch(new RegExp(`^v1\\.${vault.keyId}\\.[A-Za-z0-9+/]+=*$`));
  // Same password, different ciphertexts (random nonce and a different record id).
  expect(sealedA).not.toBe(sealedB);
  expect(JSON.parse(vault.openText(sealedA, a))).toEqual({ type: 'password', password: testbed().ssh.password });
  expect(() => vault.openText(sealedA, b)).toThrow(/does not authenticate/);
  // The key file is private and its key is not in the database.
  const keyFile = path.join(t.dataDir, 'secrets', 'vault.key');
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  const key = fs.readFileSync(keyFile, 'utf8').trim();
  const stored = await storedData(t);
  expect(stored).toContain(sealedA);
  expect(stored).not.toContain(key);
});

test('a sealed value copied onto another server, or tampered with, does not open: credentials_unreadable, no connection', async () => {
  const a = await add('copy-from');
  const b = await add('copy-to');
  await runSql(t.kernel.dataSource, 'UPDATE servers SET "credentialsSealed" = ? WHERE id = ?', [await sealedOf(t, a), b]);
  const copied = await t.request('POST', `/api/servers/${b}/test`, { token: t.tokens.alice });
  expect(copied.status).toBe(500);
  expect(copied.body.error).toMatchObject({ code: 'credentials_unreadable', message: expect.stringMatching(/enter them again/) });
  expect((await t.request('GET', `/api/servers/${b}`, { token: t.tokens.alice })).body).toMatchObject({ status: 'unknown', lastCheckedAt: null });

  const sealed = await sealedOf(t, a);
  const tampered = `${sealed.slice(0, -6)}${sealed.slice(-6, -5) === 'A' ? 'B' : 'A'}${sealed.slice(-5)}`;
  await runSql(t.kernel.dataSource, 'UPDATE servers SET "credentialsSealed" = ? WHERE id = ?', [tampered, a]);
  expect((await t.request('POST', `/api/servers/${a}/test`, { token: t.tokens.alice })).body.error.code).toBe('credentials_unreadable');

  // Entering the credentials again repairs it.
  const repaired = await t.request('PATCH', `/api/servers/${a}`, { token: t.tokens.alice, body: { credentials: { password: testbed().ssh.password } } });
  expect(repaired.status).toBe(200);
  expect((await t.request('POST', `/api/servers/${a}/test`, { token: t.tokens.alice })).body.ok).toBe(true);
});

test('credentials survive a restart on the same data folder, and are unreadable under a replaced vault key', async () => {
  const own = await startServersKernel();
  let restarted: Awaited<ReturnType<typeof startTestKernel>> | undefined;
  try {
    const added = await own.request('POST', '/api/servers', { token: own.tokens.admin, body: passwordServer('restart') });
    const id = added.body.id as string;
    await own.stop({ keepData: true });

    restarted = await startTestKernel({ plugins: [authPlugin, serversPlugin], dataDir: own.dataDir });
    const token = (await restarted.request('POST', '/api/auth/login', { body: ADMIN })).body.token as string;
    expect((await restarted.request('POST', `/api/servers/${id}/test`, { token })).body).toMatchObject({ ok: true, status: 'online' });
    await restarted.stop();
    restarted = undefined;

    // A new key file (e.g. a restore without the key): the old values are reported, not leaked.
    fs.rmSync(path.join(own.dataDir, 'secrets', 'vault.key'));
    restarted = await startTestKernel({ plugins: [authPlugin, serversPlugin], dataDir: own.dataDir });
    const token2 = (await restarted.request('POST', '/api/auth/login', { body: ADMIN })).body.token as string;
    const res = await restarted.request('POST', `/api/servers/${id}/test`, { token: token2 });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('credentials_unreadable');
    expect((await restarted.request('GET', `/api/servers/${id}`, { token: token2 })).body.hasCredentials).toBe(true);
  } finally {
    await restarted?.stop();
    fs.rmSync(own.dataDir, { recursive: true, force: true });
  }
});
