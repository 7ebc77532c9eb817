/**
 * Real actions on the test bed produce activity entries with the right door: logins (API), a
 * failed login, a server added from the console, changed and deleted through the API, an app
 * installed through MCP and started, stopped and uninstalled through the console and the API, a
 * preparation started and failing (the system's door), users created from the command line. No
 * secret (passwords, tokens, an app's secret setting) appears in any entry.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { PreparationTokens } from '@tomo/plugin-preparation/api';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { ActivityEntryEntity } from '../src/entities/activity-entry.entity';
import { ADMIN, ALICE, BOB, addTestbedServer, markPrepared, startMonitoringKernel, testbed, type MonitoringKernel } from '../../monitoring/test/support/monitoring-kernel';
import { freePort } from '../../../test-support/ports';

let t: MonitoringKernel;
let mcp: Client;
const WRONG_PASSWORD = 'Wrong-Password-typed-9876';
const APP_SECRET = 'app-secret-value-5a7c1e';
const NEW_SSH_PASSWORD = 'never-shown-ssh-password-31';

beforeAll(async () => {
  t = await startMonitoringKernel();
  mcp = await connectMcp(t.url, t.tokens.alice);
});
afterAll(async () => {
  await mcp?.close();
  await t?.stop();
});

const entries = async (query: string, token = t.tokens.admin) => {
  const res = await t.request('GET', `/api/activity?${query}`, { token });
  expect(res.status).toBe(200);
  return res.body.entries as any[];
};

test('logins and a failed login', async () => {
  expect((await t.request('POST', '/api/auth/login', { body: { username: 'alice', password: WRONG_PASSWORD } })).status).toBe(401);
  const failed = await entries('action=auth.login_failed');
  expect(failed).toEqual([expect.objectContaining({ result: 'failed', door: 'api', targetName: 'alice', userId: null, detail: 'wrong username or password', clientIp: expect.stringMatching(/127\.0\.0\.1/) })]);
  const logins = await entries('action=auth.login');
  expect(logins.map((e) => [e.username, e.door, e.result])).toEqual([
    ['bob', 'api', 'ok'],
    ['alice', 'api', 'ok'],
    ['admin', 'api', 'ok'],
  ]);
  // A login from the console (its header, no session yet) is the console's door.
  expect((await t.request('POST', '/api/auth/login', { headers: { 'x-requested-with': 'tomo-console' }, body: ALICE })).status).toBe(200);
  expect((await entries('action=auth.login'))[0]).toMatchObject({ username: 'alice', door: 'console' });
  // Users created with the command line's call.
  expect((await entries('action=user.create')).map((e) => [e.targetName, e.door])).toEqual([
    ['bob', 'cli'],
    ['alice', 'cli'],
    ['admin', 'cli'],
  ]);
});

test('servers: added from the console, changed and deleted through the API; app lifecycle across MCP, console and API', async () => {
  // The console: the session cookie with the console's header.
  const login = await t.request('POST', '/api/auth/login', { body: ALICE });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  expect(cookie).toMatch(/^tomo_session=/);
  const console = { cookie, 'x-requested-with': 'tomo-console' };
  const { ssh } = testbed();
  const added = await t.request('POST', '/api/servers', { headers: console, body: { name: 'alice-box', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } } });
  expect(added.status).toBe(201);
  const serverId = added.body.id as string;
  expect(await entries(`action=server.add&serverId=${serverId}`)).toEqual([
    expect.objectContaining({ door: 'console', userId: t.ids.alice, username: 'alice', targetType: 'server', targetId: serverId, targetName: 'alice-box', result: 'ok', detail: `${ssh.username}@${ssh.host}:${ssh.port} (password login)` }),
  ]);

  // Through the API: a rename and new credentials (named, never their value).
  expect((await t.request('PATCH', `/api/servers/${serverId}`, { token: t.tokens.alice, body: { name: 'alice-box-2' } })).status).toBe(200);
  expect((await t.request('PATCH', `/api/servers/${serverId}`, { token: t.tokens.alice, body: { credentials: { password: NEW_SSH_PASSWORD } } })).status).toBe(200);
  expect((await entries(`action=server.update&serverId=${serverId}`)).map((e) => [e.door, e.targetName, e.detail])).toEqual([
    ['api', 'alice-box-2', 'changed: credentials'],
    ['api', 'alice-box-2', 'changed: name'],
  ]);
  expect((await t.request('PATCH', `/api/servers/${serverId}`, { token: t.tokens.alice, body: { credentials: { password: ssh.password } } })).status).toBe(200);
  await markPrepared(t, serverId);

  // MCP: install, with the app's secret setting given.
  const port = await freePort();
  const installed = resultText(await mcp.callTool({ name: 'install_app', arguments: { server_id: serverId, app_id: 'web-hello', ports: { '80/tcp': port }, settings: { APP_SECRET } } }));
  expect(installed.isError).toBe(false);
  const installation = JSON.parse(installed.text).installation;
  expect(installation.state).toBe('running');
  // Console: stop and start; API: uninstall with the data.
  expect((await t.request('POST', `/api/apps/installations/${installation.id}/stop`, { headers: console })).status).toBe(200);
  expect((await t.request('POST', `/api/apps/installations/${installation.id}/start`, { headers: console })).status).toBe(200);
  expect((await t.request('DELETE', `/api/apps/installations/${installation.id}?deleteData=true`, { token: t.tokens.alice })).status).toBe(200);

  const app = await entries(`action=app&serverId=${serverId}`, t.tokens.alice);
  expect(app.map((e) => [e.action, e.door, e.result, e.targetName, e.targetId, e.username])).toEqual([
    ['app.uninstall', 'api', 'ok', 'Web Hello', installation.id, 'alice'],
    ['app.start', 'console', 'ok', 'Web Hello', installation.id, 'alice'],
    ['app.stop', 'console', 'ok', 'Web Hello', installation.id, 'alice'],
    ['app.install', 'mcp', 'ok', 'Web Hello', installation.id, 'alice'],
  ]);
  expect(app[0].detail).toBe('data deleted');
  // Bob sees none of it.
  expect(await entries(`serverId=${serverId}`, t.tokens.bob)).toEqual([]);

  // Deleted through the API: the entries stay, still alice's to read.
  expect((await t.request('DELETE', `/api/servers/${serverId}`, { token: t.tokens.alice })).status).toBe(204);
  const after = await entries(`serverId=${serverId}`, t.tokens.alice);
  expect(after[0]).toMatchObject({ action: 'server.delete', door: 'api', targetName: 'alice-box-2' });
  // The install made Tomo's first contact with the server: its host key trusted on alice's behalf.
  expect(after.map((e) => e.action)).toEqual(['server.delete', 'app.uninstall', 'app.start', 'app.stop', 'app.install', 'server.host_key_trusted', 'server.update', 'server.update', 'server.update', 'server.add']);
  expect(after[5]).toMatchObject({ username: 'alice', detail: expect.stringMatching(/^first contact: trusted SHA256:[A-Za-z0-9+/]{43} \([a-z0-9-]+\)$/) });
}, 120000);

test('a failed install is recorded as failed, with its reason', async () => {
  const serverId = await addTestbedServer(t, t.tokens.bob, 'bob-box');
  await markPrepared(t, serverId);
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.bob, body: { appId: 'exits-at-once', ports: {} } });
  expect(res.status).toBe(202);
  const apps = t.kernel.resolve((await import('@tomo/plugin-apps/api')).AppsTokens.AppsService);
  await apps.waitFor(res.body.installation.id);
  const [entry] = await entries(`action=app.install&serverId=${serverId}`, t.tokens.bob);
  expect(entry).toMatchObject({ result: 'failed', door: 'api', username: 'bob', targetId: res.body.installation.id, detail: expect.any(String) });
  await t.request('DELETE', `/api/apps/installations/${res.body.installation.id}?deleteData=true`, { token: t.tokens.bob });
}, 120000);

test('a preparation: started by its user, failing as the system', async () => {
  const serverId = await addTestbedServer(t, t.tokens.bob, 'bob-prep');
  const started = await t.request('POST', `/api/servers/${serverId}/preparation`, { token: t.tokens.bob, body: {} });
  expect(started.status).toBe(202);
  await t.kernel.resolve(PreparationTokens.PreparationService).waitFor(serverId);
  const prep = await entries(`action=preparation&serverId=${serverId}`, t.tokens.bob);
  expect(prep.map((e) => [e.action, e.result, e.door, e.username])).toEqual([
    ['preparation.failed', 'failed', 'system', null],
    ['preparation.start', 'ok', 'api', 'bob'],
  ]);
  expect(prep[0].detail).toMatch(/^failed at /);
}, 120000);

const CAROL_PASSWORD = 'carol-password-first-1';
const CAROL_NEW_PASSWORD = 'carol-password-second-2';
let carolApiToken = '';

test('accounts: a user created, changed, deleted by an admin; a token made and revoked; a logout', async () => {
  const created = await t.request('POST', '/api/users', { token: t.tokens.admin, body: { username: 'carol', email: 'carol@example.com', password: CAROL_PASSWORD } });
  expect(created.status).toBe(201);
  const carolId = created.body.id as string;
  expect((await t.request('PATCH', `/api/users/${carolId}`, { token: t.tokens.admin, body: { password: CAROL_NEW_PASSWORD } })).status).toBe(200);
  const session = (await t.request('POST', '/api/auth/login', { body: { username: 'carol', password: CAROL_NEW_PASSWORD } })).body.token as string;
  const token = await t.request('POST', '/api/auth/tokens', { token: session, body: { name: 'ci-bot' } });
  expect(token.status).toBe(201);
  carolApiToken = token.body.token;
  expect((await t.request('DELETE', `/api/auth/tokens/${token.body.record.id}`, { token: session })).status).toBe(204);
  expect((await t.request('POST', '/api/auth/logout', { token: session })).status).toBe(204);
  // What carol could read of it, before she goes.
  const own = (await entries(`userId=${carolId}`)).map((e) => [e.action, e.targetName, e.door]);
  expect(own).toEqual([
    ['auth.logout', 'carol', 'api'],
    ['auth.token_revoke', null, 'api'],
    ['auth.token_create', 'ci-bot', 'api'],
    ['auth.login', 'carol', 'api'],
  ]);
  expect((await t.request('DELETE', `/api/users/${carolId}`, { token: t.tokens.admin })).status).toBe(204);
  const byAdmin = (await entries(`action=user&userId=${t.ids.admin}`)).map((e) => [e.action, e.targetName, e.detail, e.door]);
  expect(byAdmin).toEqual([
    ['user.delete', 'carol', null, 'api'],
    ['user.update', 'carol', 'changed: password', 'api'],
    ['user.create', 'carol', 'role user', 'api'],
  ]);
});

test('no secret in any entry: passwords (login, SSH), tokens, an app\'s secret setting', async () => {
  const rows = await t.kernel.dataSource.getRepository(ActivityEntryEntity).find();
  expect(rows.length).toBeGreaterThan(20);
  const dump = JSON.stringify(rows);
  const secrets = [CAROL_PASSWORD, CAROL_NEW_PASSWORD, carolApiToken, ADMIN.password, ALICE.password, BOB.password, WRONG_PASSWORD, testbed().ssh.password, NEW_SSH_PASSWORD, APP_SECRET, t.tokens.admin, t.tokens.alice, t.tokens.bob];
  for (const secret of secrets) expect(dump).not.toContain(secret);
  // Nor in what the API and MCP answer.
  expect(JSON.stringify(await entries('pageSize=200'))).not.toContain(testbed().ssh.password);
});
