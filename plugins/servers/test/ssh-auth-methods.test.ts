/**
 * Acceptance 1: every authentication method against the test bed's real OpenSSH server, and the
 * failures a user meets (wrong password, wrong passphrase, closed port, silent endpoint).
 * Only 127.0.0.1 is contacted; host_unreachable / host_not_found are covered by the unit
 * tests of classifySshError (src/services/ssh-errors.test.ts).
 */
import { passwordServer, startServersKernel, testbed, type ServersKernel } from './support/servers-kernel';
import { keygenFingerprint, keyServer, passwordServerAt, silentTcpServer } from './support/ssh-helpers';
import { freePort } from '../../../test-support/ports';

// Real sshd round trips (and PAM's ~2 s delay on a wrong password) need more than jest's 5 s under load.
jest.setTimeout(20000);

const HANDSHAKE_TIMEOUT_MS = 2000;
let t: ServersKernel;

// Default settings (10 s handshake timeout): PAM answers a wrong password only after its failure
// delay (1.5-2.5 s with pam_unix), so a 2 s handshake timeout would report it as timed_out. The
// short timeout is set on its own kernel for the silent-endpoint test below.
beforeAll(async () => {
  t = await startServersKernel();
});
afterAll(async () => {
  await t?.stop();
});

async function add(body: Record<string, unknown>, token = t.tokens.alice) {
  const res = await t.request('POST', '/api/servers', { token, body });
  expect(res.status).toBe(201);
  return res.body as { id: string; status: string; hasCredentials: boolean; hostKey: unknown };
}
const test_ = (id: string, token = t.tokens.alice) => t.request('POST', `/api/servers/${id}/test`, { token });

/** The fingerprint `ssh-keygen -lf` prints for the test bed's host key of that algorithm. */
function expectedHostKey(algorithm: string): string {
  const { ssh } = testbed();
  const file = algorithm === 'ssh-ed25519' ? ssh.hostKeys.ed25519 : ssh.hostKeys.rsa;
  return keygenFingerprint(`${file}.pub`).fingerprint;
}

describe.each([
  ['password', () => passwordServer('pw')],
  ['ed25519 key', () => keyServer('ed', 'ed25519')],
  ['RSA key', () => keyServer('rsa', 'rsa')],
  ['encrypted ed25519 key + passphrase', () => keyServer('enc', 'ed25519Encrypted', testbed().ssh.keys.ed25519EncryptedPassphrase)],
])('%s login', (_label, body) => {
  test('test_connection succeeds with facts; the host key is first seen, then known', async () => {
    const server = await add(body());
    expect(server).toMatchObject({ status: 'unknown', hasCredentials: true, hostKey: null });

    const first = await test_(server.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, status: 'online' });
    expect(first.body.error).toBeUndefined();
    expect(first.body.latency.connectMs).toBeGreaterThan(0);
    expect(first.body.latency.commandMs).toBeGreaterThan(0);
    expect(first.body.hostKey.firstSeen).toBe(true);
    expect(first.body.hostKey.fingerprint).toBe(expectedHostKey(first.body.hostKey.algorithm));
    // Facts of this very machine (the test bed's sshd runs here).
    const os = await import('node:os');
    expect(first.body.facts).toMatchObject({ hostname: os.hostname(), kernel: os.release(), cpuCount: expect.any(Number) });
    expect(first.body.facts.memoryBytes).toBeGreaterThan(0);
    expect(first.body.facts.rootDiskBytes).toBeGreaterThan(0);
    expect(first.body.facts.osId).toEqual(expect.any(String));

    const second = await test_(server.id);
    expect(second.body).toMatchObject({ ok: true, status: 'online', hostKey: { firstSeen: false, fingerprint: first.body.hostKey.fingerprint } });

    const stored = await t.request('GET', `/api/servers/${server.id}`, { token: t.tokens.alice });
    expect(stored.body).toMatchObject({
      status: 'online',
      lastError: null,
      hostKey: { fingerprint: first.body.hostKey.fingerprint, algorithm: first.body.hostKey.algorithm },
      pendingHostKey: null,
      facts: first.body.facts,
    });
    expect(Date.parse(stored.body.lastCheckedAt)).toBeGreaterThan(Date.now() - 60000);
  });
});

test('a wrong password: auth_failed, status error (the server was reached)', async () => {
  const body = passwordServer('wrong-pw');
  const server = await add({ ...body, credentials: { password: 'not-the-password' } });
  const res = await test_(server.id);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ ok: false, status: 'error', error: { code: 'auth_failed' } });
  expect(res.body.error.message).toMatch(/Authentication failed/);
  const stored = await t.request('GET', `/api/servers/${server.id}`, { token: t.tokens.alice });
  expect(stored.body).toMatchObject({ status: 'error', lastError: res.body.error.message });
});

test('a wrong or missing passphrase is a 400 on credentials.passphrase at add time, and nothing is saved', async () => {
  const before = (await t.request('GET', '/api/servers', { token: t.tokens.alice })).body.servers.length;
  const wrong = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: keyServer('bad-pass', 'ed25519Encrypted', 'not-the-passphrase') });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error).toMatchObject({ code: 'validation_failed', field: 'credentials.passphrase' });
  expect(wrong.body.error.message).toMatch(/does not decrypt/);
  const missing = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: keyServer('no-pass', 'ed25519Encrypted') });
  expect(missing.status).toBe(400);
  expect(missing.body.error).toMatchObject({ field: 'credentials.passphrase' });
  const after = await t.request('GET', '/api/servers', { token: t.tokens.alice });
  expect(after.body.servers).toHaveLength(before);
  expect(after.body.servers.map((s: { name: string }) => s.name)).not.toEqual(expect.arrayContaining(['bad-pass']));
});

test('a closed port: connection_refused, status offline', async () => {
  const port = await freePort();
  const server = await add(passwordServerAt('closed', port));
  const res = await test_(server.id);
  expect(res.body).toMatchObject({ ok: false, status: 'offline', error: { code: 'connection_refused' } });
  expect((await t.request('GET', `/api/servers/${server.id}`, { token: t.tokens.alice })).body.status).toBe('offline');
});

test('an endpoint that accepts and never speaks: timed_out within the configured handshake timeout', async () => {
  const silent = await silentTcpServer();
  const short = await startServersKernel({ servers: { ssh: { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS } } });
  try {
    const added = await short.request('POST', '/api/servers', { token: short.tokens.alice, body: passwordServerAt('silent', silent.port) });
    expect(added.status).toBe(201);
    const started = Date.now();
    const res = await short.request('POST', `/api/servers/${added.body.id}/test`, { token: short.tokens.alice });
    const elapsed = Date.now() - started;
    expect(res.body).toMatchObject({ ok: false, status: 'offline', error: { code: 'timed_out' } });
    expect(silent.accepted()).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(HANDSHAKE_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(HANDSHAKE_TIMEOUT_MS + 1500);
    expect((await short.request('GET', `/api/servers/${added.body.id}`, { token: short.tokens.alice })).body).toMatchObject({ status: 'offline', lastError: res.body.error.message });
  } finally {
    await short.stop();
    await silent.close();
  }
});
