/**
 * Server handles against the test bed's real sshd: ownership checked once when a handle is made
 * (another user's server is the same 404 as an unknown id), the system's handle carries no
 * principal, credentials are opened at most once per handle, and files go up and down over SFTP
 * with their mode honoured and their path taken as data.
 */
import fs from 'node:fs';
import { KernelTokens, type SecretVault } from '@tomo/kernel';
import { isSshError, type ServerHandle, type SshFailure } from '@tomo/plugin-servers/api';
import { keyServer, markerPath, serviceOf } from './support/ssh-helpers';
import { passwordServer, startServersKernel, testbed, type ServersKernel } from './support/servers-kernel';

jest.setTimeout(30000);

let t: ServersKernel;
let passwordId: string;
let keyId: string;
const paths: string[] = [];

beforeAll(async () => {
  t = await startServersKernel();
  passwordId = (await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer('handled') })).body.id;
  keyId = (await t.request('POST', '/api/servers', { token: t.tokens.alice, body: keyServer('handled-by-key', 'ed25519') })).body.id;
});
afterAll(async () => {
  await t?.stop();
  for (const p of paths) fs.rmSync(p, { force: true });
});

const path = (label: string): string => {
  const p = markerPath(label);
  paths.push(p);
  return p;
};
const principalOf = async (token: string) => {
  const me = (await t.request('GET', '/api/auth/me', { token })).body;
  return { id: me.id as string, name: me.username as string, role: me.role as 'admin' | 'user', credentialKind: 'session' as const };
};
const failure = (p: Promise<unknown>): Promise<SshFailure> =>
  p.then(
    (r) => {
      throw new Error(`expected a failure, got ${String(r)}`);
    },
    (e: SshFailure) => e,
  );

/** Counts the vault's decryptions of one server's sealed credentials (bound to its id). */
function countDecrypts(serverId: string): { count: () => number; restore: () => void } {
  const vault = t.kernel.resolve(KernelTokens.Vault) as SecretVault & Record<string, unknown>;
  const original = vault.openText;
  let n = 0;
  vault.openText = function counted(this: SecretVault, sealed: string, aad: string) {
    if (aad === serverId) n += 1;
    return original.call(this, sealed, aad);
  } as SecretVault['openText'];
  return { count: () => n, restore: () => void (vault.openText = original) };
}

describe('forCaller', () => {
  test('the owner and an admin get a handle with the public record; another user gets the 404 of an unknown id', async () => {
    const alice = await principalOf(t.tokens.alice);
    const handle = await serviceOf(t).forCaller(alice, passwordId);
    expect(handle.info).toMatchObject({ id: passwordId, name: 'handled', hasCredentials: true });
    expect(JSON.stringify(handle.info)).not.toContain(testbed().ssh.password);
    expect(handle.actor).toEqual({ kind: 'user', principal: alice });
    expect((await serviceOf(t).forCaller(await principalOf(t.tokens.admin), passwordId)).info.id).toBe(passwordId);

    const bob = await principalOf(t.tokens.bob);
    const foreign = await serviceOf(t).forCaller(bob, passwordId).catch((e: Error) => e);
    const unknown = await serviceOf(t).forCaller(bob, '00000000-0000-4000-8000-000000000000').catch((e: Error) => e);
    expect(foreign).toMatchObject({ status: 404, code: 'not_found' });
    expect(JSON.stringify(foreign)).toBe(JSON.stringify(unknown));
    expect((foreign as Error).message).toBe((unknown as Error).message);
  });
});

describe('forSystem', () => {
  test('acts as the system (no principal) and is a 404 for an unknown id', async () => {
    const handle = await serviceOf(t).forSystem(passwordId);
    expect(handle.actor).toEqual({ kind: 'system' });
    expect((await handle.exec(['id', '-un'])).stdout).toBe(`${testbed().ssh.username}\n`);
    await expect(serviceOf(t).forSystem('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('credentials', () => {
  test('a handle opens them once for all its commands, streams and files; making it opens nothing', async () => {
    const decrypts = countDecrypts(passwordId);
    try {
      const handle = await serviceOf(t).forCaller(await principalOf(t.tokens.alice), passwordId);
      expect(decrypts.count()).toBe(0);
      expect(await handle.loginPassword()).toBe(testbed().ssh.password);
      for (let i = 0; i < 3; i++) expect((await handle.exec(['true'])).exitCode).toBe(0);
      const file = path('handle-once');
      await handle.upload(file, 'once');
      expect((await handle.download(file)).toString()).toBe('once');
      (await handle.openStream({ socketPath: '/var/run/docker.sock' })).destroy();
      expect(decrypts.count()).toBe(1);
      // A second operation is a second handle: its own (single) decrypt.
      await (await serviceOf(t).forSystem(passwordId)).exec(['true']);
      expect(decrypts.count()).toBe(2);
    } finally {
      decrypts.restore();
    }
  });

  test('a key login has no login password to feed sudo', async () => {
    expect(await (await serviceOf(t).forSystem(keyId)).loginPassword()).toBeNull();
  });

  test('reconnect closes the pooled connection, so the next command logs in afresh', async () => {
    const handle = await serviceOf(t).forSystem(passwordId);
    const portOf = async (h: ServerHandle) => (await h.exec(['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout.split(' ')[1];
    const before = await portOf(handle);
    expect(await portOf(handle)).toBe(before);
    handle.reconnect();
    expect(await portOf(handle)).not.toBe(before);
  });
});

describe('files over SFTP', () => {
  test('upload writes the bytes with the mode asked for (not narrowed by umask, and set on an existing file too); download reads them back', async () => {
    const handle = await serviceOf(t).forSystem(keyId);
    const file = path('upload');
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, ...Buffer.from('binary and text')]);
    await handle.upload(file, bytes, { mode: 0o600 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file)).toEqual(bytes);
    expect(await handle.download(file)).toEqual(bytes);

    await handle.upload(file, 'replaced', { mode: 0o664 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o664);
    expect(fs.readFileSync(file, 'utf8')).toBe('replaced');

    const plain = path('upload-default');
    await handle.upload(plain, '');
    expect(fs.statSync(plain).mode & 0o777).toBe(0o644);
    expect(fs.statSync(plain).size).toBe(0);
  });

  test('a large file crosses in several SFTP packets intact', async () => {
    const handle = await serviceOf(t).forSystem(keyId);
    const file = path('upload-large');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 'x');
    bytes.write('end', bytes.length - 3);
    await handle.upload(file, bytes);
    expect(fs.statSync(file).size).toBe(bytes.length);
    expect((await handle.download(file)).equals(bytes)).toBe(true);
  });

  test('the path is data: shell words in it name a file and run nothing', async () => {
    const handle = await serviceOf(t).forSystem(keyId);
    const marker = path('never');
    const file = path(`name with spaces $(touch ${marker.replace('/tmp/', '')}) ;`);
    await handle.upload(file, 'odd name');
    expect(fs.readFileSync(file, 'utf8')).toBe('odd name');
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('a missing file is a clear error naming the path; a folder and a file over the limit are refused', async () => {
    const handle = await serviceOf(t).forSystem(keyId);
    const missing = path('missing');
    const error = await failure(handle.download(missing));
    expect(isSshError(error)).toBe(true);
    expect(error).toMatchObject({ status: 502, code: 'file_not_found' });
    expect(error.message).toBe(`No such file on the server (${missing})`);

    expect(await failure(handle.download('/tmp'))).toMatchObject({ code: 'file_refused', message: expect.stringContaining('not a regular file: /tmp') });
    const big = path('big');
    await handle.upload(big, Buffer.alloc(2048));
    expect(await failure(handle.download(big, { maxBytes: 1024 }))).toMatchObject({ code: 'file_too_large', message: expect.stringContaining('2048 bytes, at most 1024') });
  });

  test('a folder that does not exist, or one the login may not write, is refused naming the path', async () => {
    const handle = await serviceOf(t).forSystem(keyId);
    const nowhere = `${path('no-dir')}/file`;
    expect(await failure(handle.upload(nowhere, 'x'))).toMatchObject({ code: 'file_not_found', message: expect.stringContaining(nowhere) });
    expect(await failure(handle.upload('/etc/tomo-must-not-write', 'x'))).toMatchObject({ code: 'file_refused', message: expect.stringContaining('permission denied: /etc/tomo-must-not-write') });
    expect(fs.existsSync('/etc/tomo-must-not-write')).toBe(false);
  });
});
