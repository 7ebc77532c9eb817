/**
 * Acceptance 2: trust on first use, then a changed host key is refused before authentication
 * (nothing runs, no login happens) until an admin accepts the new fingerprint. Uses its own
 * sshd so the host key can be replaced.
 */
import { isSshError, type SshFailure } from '@tomo/plugin-servers/api';
import { startOwnSshd, type OwnSshd } from './support/own-sshd';
import { startServersKernel, type ServersKernel } from './support/servers-kernel';
import { execOn, exists, markerPath, passwordServerAt } from './support/ssh-helpers';
import fs from 'node:fs';

// Real sshd round trips (and PAM's ~2 s delay on a wrong password) need more than jest's 5 s under load.
jest.setTimeout(20000);

let t: ServersKernel;
let sshd: OwnSshd;
const markers: string[] = [];

beforeAll(async () => {
  [t, sshd] = await Promise.all([startServersKernel(), startOwnSshd()]);
});
afterAll(async () => {
  await sshd?.cleanup();
  await t?.stop();
  for (const m of markers) fs.rmSync(m, { force: true });
});

const marker = () => {
  const m = markerPath('hostkey');
  markers.push(m);
  return m;
};

test('a changed host key blocks every operation until an admin accepts the new fingerprint', async () => {
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServerAt('own', sshd.port) });
  expect(added.status).toBe(201);
  const id = added.body.id as string;

  // First contact: the key is recorded (trust on first use) and commands run.
  const oldFingerprint = sshd.fingerprint();
  const first = await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  expect(first.body).toMatchObject({ ok: true, hostKey: { firstSeen: true, fingerprint: oldFingerprint, algorithm: 'ssh-ed25519' } });
  const before = marker();
  expect((await execOn(t, id, ['touch', before])).exitCode).toBe(0);
  expect(exists(before)).toBe(true);

  // The machine is "reinstalled": same address, new host key.
  await sshd.restartWithNewKey();
  const newFingerprint = sshd.fingerprint();
  expect(newFingerprint).not.toBe(oldFingerprint);
  const loginsBefore = sshd.acceptedLogins();

  const refused = await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  expect(refused.status).toBe(200);
  expect(refused.body).toMatchObject({ ok: false, status: 'error', error: { code: 'host_key_changed' } });
  expect(refused.body.error.message).toMatch(/admin must check and accept/);

  const pending = await t.request('GET', `/api/servers/${id}`, { token: t.tokens.alice });
  expect(pending.body).toMatchObject({
    status: 'error',
    lastError: refused.body.error.message,
    hostKey: { fingerprint: oldFingerprint },
    pendingHostKey: { fingerprint: newFingerprint, algorithm: 'ssh-ed25519', seenAt: expect.any(String) },
  });

  // Another plugin's command is refused too, and nothing ran on the server.
  const blocked = marker();
  const error = await execOn(t, id, ['touch', blocked]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSshError(error)).toBe(true);
  expect((error as SshFailure).code).toBe('host_key_changed');
  expect(exists(blocked)).toBe(false);
  // Refused before authentication: the sshd logged no login since the key changed.
  expect(sshd.acceptedLogins()).toBe(loginsBefore);

  // Only an admin may accept, and only the fingerprint the server presented.
  const asOwner = await t.request('POST', `/api/servers/${id}/host-key/accept`, { token: t.tokens.alice, body: { fingerprint: newFingerprint } });
  expect(asOwner.status).toBe(403);
  const asBob = await t.request('POST', `/api/servers/${id}/host-key/accept`, { token: t.tokens.bob, body: { fingerprint: newFingerprint } });
  expect(asBob.status).toBe(403);
  const wrong = await t.request('POST', `/api/servers/${id}/host-key/accept`, { token: t.tokens.admin, body: { fingerprint: oldFingerprint } });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error).toMatchObject({ field: 'fingerprint' });
  const malformed = await t.request('POST', `/api/servers/${id}/host-key/accept`, { token: t.tokens.admin, body: { fingerprint: 'MD5:aa:bb' } });
  expect(malformed.status).toBe(400);
  expect(malformed.body.error).toMatchObject({ field: 'fingerprint' });
  const stillPending = await t.request('GET', `/api/servers/${id}`, { token: t.tokens.alice });
  expect(stillPending.body).toMatchObject({ hostKey: { fingerprint: oldFingerprint }, pendingHostKey: { fingerprint: newFingerprint } });
  expect(exists(blocked)).toBe(false);

  const accepted = await t.request('POST', `/api/servers/${id}/host-key/accept`, { token: t.tokens.admin, body: { fingerprint: newFingerprint } });
  expect(accepted.status).toBe(200);
  expect(accepted.body).toMatchObject({ hostKey: { fingerprint: newFingerprint, algorithm: 'ssh-ed25519' }, pendingHostKey: null, lastError: null });

  // Accepting twice: nothing pending any more.
  const again = await t.request('POST', `/api/servers/${id}/host-key/accept`, { token: t.tokens.admin, body: { fingerprint: newFingerprint } });
  expect(again.status).toBe(409);

  const next = await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  expect(next.body).toMatchObject({ ok: true, status: 'online', hostKey: { firstSeen: false, fingerprint: newFingerprint } });
  const after = marker();
  expect((await execOn(t, id, ['touch', after])).exitCode).toBe(0);
  expect(exists(after)).toBe(true);
  expect((await t.request('GET', `/api/servers/${id}`, { token: t.tokens.alice })).body).toMatchObject({
    status: 'online',
    hostKey: { fingerprint: newFingerprint },
    pendingHostKey: null,
  });
});

test('changing the address forgets the trusted key: the next contact is a first contact again', async () => {
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServerAt('moving', sshd.port) });
  const id = added.body.id as string;
  const first = await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  expect(first.body.hostKey).toMatchObject({ firstSeen: true, fingerprint: sshd.fingerprint() });
  // Another address (never contacted), then back: each change drops the trusted key.
  const moved = await t.request('PATCH', `/api/servers/${id}`, { token: t.tokens.alice, body: { host: '127.0.0.2' } });
  expect(moved.status).toBe(200);
  expect(moved.body).toMatchObject({ host: '127.0.0.2', hostKey: null, pendingHostKey: null, status: 'unknown', hasCredentials: true });
  const back = await t.request('PATCH', `/api/servers/${id}`, { token: t.tokens.alice, body: { host: '127.0.0.1' } });
  expect(back.body).toMatchObject({ host: '127.0.0.1', hostKey: null });
  const again = await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  expect(again.body).toMatchObject({ ok: true, hostKey: { firstSeen: true, fingerprint: sshd.fingerprint() } });
});

test('a server offering only a host key type Tomo cannot use: ssh_failed with the reason, not "host key changed"', async () => {
  const dsaOnly = await startOwnSshd({ hostKeyType: 'dsa', extraConfig: ['HostKeyAlgorithms ssh-dss'] });
  try {
    const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServerAt('dsa-only', dsaOnly.port) });
    const res = await t.request('POST', `/api/servers/${added.body.id}/test`, { token: t.tokens.alice });
    expect(res.body).toMatchObject({ ok: false, status: 'error', error: { code: 'ssh_failed', message: 'SSH connection failed (no matching host key format)' } });
    expect((await t.request('GET', `/api/servers/${added.body.id}`, { token: t.tokens.alice })).body).toMatchObject({
      status: 'error',
      lastError: res.body.error.message,
      hostKey: null,
      pendingHostKey: null,
    });
  } finally {
    await dsaOnly.cleanup();
  }
});
