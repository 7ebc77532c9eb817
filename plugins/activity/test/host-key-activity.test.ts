/**
 * Issue 16, finding 4: a server's host key on a real sshd whose key is swapped and restored.
 * Trusting a key on first contact, detecting a changed key, an admin accepting it, and the
 * server presenting its trusted key again each write an activity entry naming who (the user, or
 * the system for Tomo's own connections), which server, and both SHA256 fingerprints. A changed
 * key that was never accepted is dropped when the trusted key comes back, and the server's record
 * (GET /api/servers/:id, what the console shows) is online without a pending key.
 */
import { ServersTokens } from '@tomo/plugin-servers/api';
import { startOwnSshd, type OwnSshd } from '../../servers/test/support/own-sshd';
import { passwordServerAt } from '../../servers/test/support/ssh-helpers';
import { ADMIN, startMonitoringKernel, type MonitoringKernel } from '../../monitoring/test/support/monitoring-kernel';

// Real sshd restarts, logins and a full kernel: more than jest's default under load.
jest.setTimeout(60000);

type Kernel = MonitoringKernel;

const hostKeyEntries = async (t: Kernel, serverId: string) => {
  const res = await t.request('GET', `/api/activity?serverId=${serverId}&pageSize=200`, { token: t.tokens.admin });
  expect(res.status).toBe(200);
  // Oldest first, host-key entries only.
  return (res.body.entries as Array<Record<string, unknown>>).filter((e) => String(e.action).startsWith('server.host_key')).reverse();
};

const serverView = async (t: Kernel, id: string) => (await t.request('GET', `/api/servers/${id}`, { token: t.tokens.alice })).body;

/** Runs one command as Tomo itself (what the monitoring poller does with its system handle). */
const systemExec = async (t: Kernel, id: string) => (await t.kernel.resolve(ServersTokens.ServerService).forSystem(id)).exec(['true']);

describe('host-key activity, driven by users and by Tomo itself', () => {
  let t: Kernel;
  let sshd: OwnSshd;

  beforeAll(async () => {
    // The poller is kept out of the way (one round at start, before any server exists): this test says who connects when.
    [t, sshd] = await Promise.all([startMonitoringKernel({ config: { monitoring: { intervalSeconds: 3600 } } }), startOwnSshd()]);
  });
  afterAll(async () => {
    await sshd?.cleanup();
    await t?.stop();
  });

  test('trusted, changed (once), restored by the trusted key, changed again and accepted by an admin: each logged with both fingerprints', async () => {
    const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServerAt('swapped', sshd.port) });
    expect(added.status).toBe(201);
    const id = added.body.id as string;
    const original = sshd.fingerprint();

    // First contact through the API: trusted on first use, by alice.
    expect((await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice })).body).toMatchObject({ ok: true, hostKey: { firstSeen: true, fingerprint: original } });
    expect(await hostKeyEntries(t, id)).toEqual([
      expect.objectContaining({ action: 'server.host_key_trusted', result: 'ok', userId: t.ids.alice, username: 'alice', door: 'api', targetType: 'server', targetId: id, targetName: 'swapped', detail: `first contact: trusted ${original} (ssh-ed25519)` }),
    ]);

    // The key is swapped: alice's test detects it, and the entry names both fingerprints.
    await sshd.restartWithNewKey();
    const swapped = sshd.fingerprint();
    expect(swapped).not.toBe(original);
    expect((await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice })).body).toMatchObject({ ok: false, error: { code: 'host_key_changed' } });
    expect(await serverView(t, id)).toMatchObject({ status: 'error', hostKey: { fingerprint: original }, pendingHostKey: { fingerprint: swapped } });
    const changed = (await hostKeyEntries(t, id)).slice(1);
    expect(changed).toEqual([expect.objectContaining({ action: 'server.host_key_changed', result: 'failed', userId: t.ids.alice, username: 'alice', door: 'api', targetId: id })]);
    expect(changed[0].summary).toBe('alice found a changed host key on server swapped');
    expect(changed[0].detail).toBe(`presented ${swapped} (ssh-ed25519) instead of the trusted ${original}; Tomo does not connect until an admin accepts the new key`);

    // The same key refused again (another test, Tomo's own connection) is not a new event.
    expect((await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice })).body.error.code).toBe('host_key_changed');
    await expect(systemExec(t, id)).rejects.toMatchObject({ code: 'host_key_changed' });
    expect((await hostKeyEntries(t, id)).map((e) => e.action)).toEqual(['server.host_key_trusted', 'server.host_key_changed']);

    // The original key comes back: Tomo's own next connection drops the pending key and the server is online again.
    await sshd.restartWithPreviousKey();
    expect(sshd.fingerprint()).toBe(original);
    expect((await systemExec(t, id)).exitCode).toBe(0);
    expect(await serverView(t, id)).toMatchObject({ status: 'online', lastError: null, hostKey: { fingerprint: original }, pendingHostKey: null });
    const restored = (await hostKeyEntries(t, id)).slice(2);
    expect(restored).toEqual([expect.objectContaining({ action: 'server.host_key_restored', result: 'ok', userId: null, username: null, door: 'system', targetId: id })]);
    expect(restored[0].summary).toBe('Server swapped presented its trusted host key again, and the changed key was dropped');
    expect(restored[0].detail).toBe(`the trusted key ${original} is presented again; the changed key ${swapped} was dropped, not accepted`);
    // Nothing pending any more: there is no key to accept.
    expect((await t.request('POST', `/api/servers/${id}/host-key/accept`, { token: t.tokens.admin, body: { fingerprint: swapped } })).status).toBe(409);
    // A test now is simply online, and logs no host-key entry.
    expect((await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice })).body).toMatchObject({ ok: true, status: 'online', hostKey: { firstSeen: false, fingerprint: original } });
    expect(await hostKeyEntries(t, id)).toHaveLength(3);

    // Swapped for good this time (a reinstall): detected, then accepted by the admin through the console.
    await sshd.restartWithNewKey();
    const reinstalled = sshd.fingerprint();
    expect((await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice })).body.error.code).toBe('host_key_changed');
    const login = await t.request('POST', '/api/auth/login', { body: ADMIN });
    const console = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0], 'x-requested-with': 'tomo-console' };
    const accepted = await t.request('POST', `/api/servers/${id}/host-key/accept`, { headers: console, body: { fingerprint: reinstalled } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ hostKey: { fingerprint: reinstalled }, pendingHostKey: null });
    const last = (await hostKeyEntries(t, id)).slice(3);
    expect(last.map((e) => e.action)).toEqual(['server.host_key_changed', 'server.host_key_accepted']);
    expect(last[0].detail).toContain(`presented ${reinstalled} (ssh-ed25519) instead of the trusted ${original}`);
    expect(last[1]).toMatchObject({ result: 'ok', userId: t.ids.admin, username: 'admin', door: 'console', targetId: id, detail: `${reinstalled} (ssh-ed25519) replaces ${original}`, summary: 'admin accepted the new host key of server swapped' });
    expect((await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice })).body).toMatchObject({ ok: true, status: 'online', hostKey: { fingerprint: reinstalled } });

    // Alice owns the server: she reads every one of its host-key entries; bob reads none.
    const asAlice = await t.request('GET', `/api/activity?serverId=${id}&pageSize=200`, { token: t.tokens.alice });
    expect(asAlice.body.entries.filter((e: { action: string }) => e.action.startsWith('server.host_key'))).toHaveLength(5);
    const asBob = await t.request('GET', `/api/activity?serverId=${id}`, { token: t.tokens.bob });
    expect(asBob.body.entries).toEqual([]);
  });
});

describe('host-key activity from the monitoring poller', () => {
  let t: Kernel;
  let sshd: OwnSshd;

  beforeAll(async () => {
    [t, sshd] = await Promise.all([startMonitoringKernel({ config: { monitoring: { intervalSeconds: 1 } } }), startOwnSshd()]);
  });
  afterAll(async () => {
    await sshd?.cleanup();
    await t?.stop();
  });

  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  test('the poller detects the swapped key and, once the original is back, drops the stale pending key: both as the system', async () => {
    const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServerAt('polled', sshd.port) });
    const id = added.body.id as string;
    const original = sshd.fingerprint();
    // The poller's first contact trusts the key, as the system.
    const trusted = await waitFor('the first poll', async () => (await hostKeyEntries(t, id))[0]);
    expect(trusted).toMatchObject({ action: 'server.host_key_trusted', userId: null, door: 'system', detail: `first contact: trusted ${original} (ssh-ed25519)`, summary: 'Tomo trusted the host key of server polled on first contact' });
    await waitFor('online', async () => ((await serverView(t, id)).status === 'online' ? true : undefined));

    await sshd.restartWithNewKey();
    const swapped = sshd.fingerprint();
    const changed = await waitFor('the change', async () => (await hostKeyEntries(t, id)).find((e) => e.action === 'server.host_key_changed'));
    expect(changed).toMatchObject({ userId: null, username: null, door: 'system', summary: 'Tomo found a changed host key on server polled', detail: expect.stringContaining(`presented ${swapped} (ssh-ed25519) instead of the trusted ${original}`) });
    expect(await serverView(t, id)).toMatchObject({ status: 'error', pendingHostKey: { fingerprint: swapped } });

    // Some more polls meet the same changed key: still one entry.
    await new Promise((r) => setTimeout(r, 2500));
    await sshd.restartWithPreviousKey();
    const restored = await waitFor('the restore', async () => (await hostKeyEntries(t, id)).find((e) => e.action === 'server.host_key_restored'));
    expect(restored).toMatchObject({ userId: null, door: 'system', detail: `the trusted key ${original} is presented again; the changed key ${swapped} was dropped, not accepted` });
    expect(await serverView(t, id)).toMatchObject({ status: 'online', lastError: null, hostKey: { fingerprint: original }, pendingHostKey: null });
    expect((await hostKeyEntries(t, id)).map((e) => e.action)).toEqual(['server.host_key_trusted', 'server.host_key_changed', 'server.host_key_restored']);
  });
});
