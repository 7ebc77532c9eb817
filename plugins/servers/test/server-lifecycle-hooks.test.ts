/**
 * Acceptance 8: deleting a server closes its pooled SSH connection and emits serverDeleting
 * (record still there, for dependants to clean up) then serverDeleted; the other lifecycle hooks
 * carry the public server only, never credentials.
 */
import { conflict, runSql } from '@tomo/kernel';
import { serversHooks } from '@tomo/plugin-servers/api';
import { passwordServer, startServersKernel, testbed, type ServersKernel } from './support/servers-kernel';
import { connectionPortOf, execOn, poolOf, serviceOf, tcpConnectionOpen, waitUntil } from './support/ssh-helpers';
import { SshError } from '../src/services/ssh-errors';

// Real sshd round trips (and PAM's ~2 s delay on a wrong password) need more than jest's 5 s under load.
jest.setTimeout(20000);

let t: ServersKernel;
const events: Array<{ hook: string; event: Record<string, unknown>; rowExists?: boolean; poolSize?: number }> = [];

beforeAll(async () => {
  t = await startServersKernel();
  const hooks = t.kernel.hooks.of(serversHooks);
  const rowExists = async (id: string) => (await runSql(t.kernel.dataSource, 'SELECT id FROM servers WHERE id = ?', [id])).length === 1;
  hooks.serverAdded.tapPromise('test', async (e) => void events.push({ hook: 'serverAdded', event: e }));
  hooks.serverUpdated.tapPromise('test', async (e) => void events.push({ hook: 'serverUpdated', event: e }));
  hooks.serverStatusChanged.tapPromise('test', async (e) => void events.push({ hook: 'serverStatusChanged', event: e }));
  hooks.serverDeleting.tapPromise('test', async (e) => {
    events.push({ hook: 'serverDeleting', event: e, rowExists: await rowExists(e.server.id), poolSize: poolOf(t).size });
    // A dependant that refuses: its error stops the deletion.
    if (e.server.name === 'in-use') throw conflict('Apps are still installed on this server');
  });
  hooks.serverDeleted.tapPromise('test', async (e) => void events.push({ hook: 'serverDeleted', event: e, rowExists: await rowExists(e.server.id) }));
});
afterAll(async () => {
  await t?.stop();
});

test('delete runs serverDeleting (record and connection still there: a dependant may refuse without cutting its work), then closes the connection and serverDeleted runs', async () => {
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer('doomed') });
  const id = added.body.id as string;
  expect(events.find((e) => e.hook === 'serverAdded' && (e.event.server as { id: string }).id === id)?.event).toMatchObject({
    server: { id, name: 'doomed', hasCredentials: true },
    call: { transport: 'http', principal: { name: 'alice' } },
  });

  const service = serviceOf(t);
  const port = await connectionPortOf(service, id);
  expect(tcpConnectionOpen(port, testbed().ssh.port)).toBe(true);
  expect(poolOf(t).size).toBe(1);

  events.length = 0;
  const res = await t.request('DELETE', `/api/servers/${id}`, { token: t.tokens.alice });
  expect(res.status).toBe(204);
  expect(events.map((e) => e.hook)).toEqual(['serverDeleting', 'serverDeleted']);
  const [deleting, deleted] = events;
  expect(deleting).toMatchObject({ rowExists: true, poolSize: 1, event: { server: { id, name: 'doomed' }, call: { principal: { name: 'alice' } } } });
  expect(deleted).toMatchObject({ rowExists: false, event: { server: { id } } });
  for (const e of events) {
    expect(e.event.server).not.toHaveProperty('credentials');
    expect(JSON.stringify(e.event.server)).not.toContain(testbed().ssh.password);
  }

  // The TCP connection to sshd is gone, and the server cannot be used any more.
  await waitUntil(() => !tcpConnectionOpen(port, testbed().ssh.port), 'the pooled connection to close');
  expect(poolOf(t).size).toBe(0);
  await expect(service.forSystem(id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
});

test('a dependant refusing in serverDeleting keeps the server', async () => {
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer('in-use') });
  events.length = 0;
  const port = await connectionPortOf(serviceOf(t), added.body.id);
  const res = await t.request('DELETE', `/api/servers/${added.body.id}`, { token: t.tokens.alice });
  expect(res.status).toBe(409);
  // The refusal did not cut the pooled connection (work in flight on it goes on).
  expect(tcpConnectionOpen(port, testbed().ssh.port)).toBe(true);
  expect(res.body.error.message).toMatch(/Apps are still installed/);
  expect(events.map((e) => e.hook)).toEqual(['serverDeleting']);
  expect((await t.request('GET', `/api/servers/${added.body.id}`, { token: t.tokens.alice })).status).toBe(200);
  // ... and it still works.
  expect((await execOn(t, added.body.id, ['true'])).exitCode).toBe(0);
});

test('updates name the changed fields without values; status changes are announced once', async () => {
  const { ssh } = testbed();
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer('watched') });
  const id = added.body.id as string;
  events.length = 0;
  await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  expect(events).toEqual([{ hook: 'serverStatusChanged', event: { serverId: id, from: 'unknown', to: 'online', error: null } }]);

  events.length = 0;
  await t.request('PATCH', `/api/servers/${id}`, { token: t.tokens.alice, body: { name: 'watched-2', credentials: { password: ssh.password } } });
  expect(events).toHaveLength(1);
  expect(events[0].event).toMatchObject({ changes: ['name', 'credentials'], server: { id, name: 'watched-2', status: 'unknown' } });
  expect(JSON.stringify(events[0].event.server)).not.toContain(ssh.password);
  expect(JSON.stringify(events[0].event.changes)).not.toContain(ssh.password);

  // An update that changes nothing announces nothing.
  events.length = 0;
  await t.request('PATCH', `/api/servers/${id}`, { token: t.tokens.alice, body: { name: 'watched-2', port: ssh.port } });
  expect(events).toEqual([]);
});

test('a background check (the poller) records reachability: changes only, offline vs error by cause, a changed host key left as the key check wrote it', async () => {
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer('polled') });
  const id = added.body.id as string;
  const handle = await serviceOf(t).forSystem(id);
  const record = async () => (await t.request('GET', `/api/servers/${id}`, { token: t.tokens.alice })).body;
  events.length = 0;

  await handle.reportReachability({ ok: true });
  await handle.reportReachability({ ok: true });
  expect(await record()).toMatchObject({ status: 'online', lastError: null });
  const checkedAt = (await record()).lastCheckedAt;
  expect(checkedAt).toEqual(expect.any(String));

  await handle.reportReachability({ ok: false, error: new SshError('connection_refused') });
  expect(await record()).toMatchObject({ status: 'offline', lastError: expect.stringMatching(/^Connection refused/) });
  await handle.reportReachability({ ok: false, error: new Error('the probe exited with 1') });
  expect((await record()).lastError).toMatch(/^Connection refused/); // same status: nothing written

  await handle.reportReachability({ ok: false, error: new SshError('auth_failed') });
  expect((await record()).status).toBe('error');
  await handle.reportReachability({ ok: false, error: new SshError('host_key_changed') });
  expect((await record()).status).toBe('error');
  await handle.reportReachability({ ok: true });
  expect(await record()).toMatchObject({ status: 'online', lastError: null });
  // A server deleted while its poll ran: nothing to record, no error.
  const gone = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer('polled-then-deleted') });
  const goneHandle = await serviceOf(t).forSystem(gone.body.id);
  expect((await t.request('DELETE', `/api/servers/${gone.body.id}`, { token: t.tokens.alice })).status).toBe(204);
  await expect(goneHandle.reportReachability({ ok: true })).resolves.toBeUndefined();

  expect(events.filter((e) => e.hook === 'serverStatusChanged').map((e) => `${e.event.from}>${e.event.to}`)).toEqual(['unknown>online', 'online>offline', 'offline>error', 'error>online']);
});
