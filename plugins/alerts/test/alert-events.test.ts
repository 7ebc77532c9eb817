/**
 * The event rules beyond offline and crashed, each through the hook that announces it in Tomo:
 * preparation failed (resolves when a preparation completes), host key changed (resolves when the
 * trusted key is back), an update rolled back (resolves after a successful update), an app
 * unhealthy in a poll (resolves when it runs), and a deleted server (its alerts resolve without
 * a notification). Each fires once however often it is announced.
 */
import { appsHooks, type InstallationView } from '@tomo/plugin-apps/api';
import { preparationHooks } from '@tomo/plugin-preparation/api';
import { serversHooks, ServersTokens } from '@tomo/plugin-servers/api';
import { addChannel, addUnreachableServer, startAlertsKernel, type AlertsKernel } from './support/alerts-kernel';
import { announcePoll, pollOf } from './support/polls';
import { recordingSender, type Sent } from './support/recording-sender';

let t: AlertsKernel;
let sent: Sent[];
let serverId: string;
const settle = () => new Promise((r) => setTimeout(r, 50));
const cli = () => ({ transport: 'cli' as const, clientIp: 'local', requestId: 'test', log: t.kernel.logger });

beforeAll(async () => {
  t = await startAlertsKernel();
  sent = recordingSender(t);
  serverId = await addUnreachableServer(t, t.tokens.alice, 'lab');
  const channelId = await addChannel(t, 'c');
  for (const event of ['preparation_failed', 'host_key_changed', 'update_rolled_back', 'app_unhealthy']) {
    const res = await t.request('POST', '/api/alerts/rules', { token: t.tokens.alice, body: { name: event, kind: 'event', event, channelIds: [channelId] } });
    expect(res.status).toBe(201);
  }
  await settle();
});
afterAll(async () => t?.stop());
beforeEach(() => sent.splice(0));

const story = () => sent.map((s) => [s.notification.status, s.notification.subject]);

test('a failed preparation fires once; a completed one resolves it', async () => {
  const prep = t.kernel.hooks.of(preparationHooks).preparationFinished;
  for (let i = 0; i < 2; i++) await prep.promise({ serverId, preparationId: `p${i}`, status: 'failed', failedStep: 'docker', error: 'apt-get failed' });
  await prep.promise({ serverId, preparationId: 'p3', status: 'completed', failedStep: null, error: null });
  await settle();
  expect(story()).toEqual([['firing', 'Preparation of lab failed at docker'], ['resolved', 'Preparation of lab failed at docker']]);
  expect(sent[0].notification.summary).toContain('apt-get failed');
});

test('a changed host key fires once; the trusted key back resolves it', async () => {
  const server = await t.kernel.resolve(ServersTokens.ServerService).get({ id: t.ids.alice, name: 'alice', role: 'user', credentialKind: 'session' }, serverId);
  const hooks = t.kernel.hooks.of(serversHooks);
  const key = (c: string) => ({ fingerprint: `SHA256:${c.repeat(43)}`, algorithm: 'ssh-ed25519' });
  await hooks.hostKeyChanged.promise({ server, by: { kind: 'system' }, trusted: key('A'), presented: key('B') });
  await hooks.hostKeyChanged.promise({ server, by: { kind: 'system' }, trusted: key('A'), presented: key('B') });
  await hooks.hostKeyRestored.promise({ server, by: { kind: 'system' }, trusted: key('A'), dropped: key('B') });
  await settle();
  expect(story()).toEqual([['firing', 'Host key of lab changed'], ['resolved', 'Host key of lab changed']]);
});

test('an update rolled back fires once per app; a successful update resolves it', async () => {
  const installation = { id: 'inst-9', serverId, appId: 'web-hello', appName: 'Web Hello' } as unknown as InstallationView;
  const updated = t.kernel.hooks.of(appsHooks).appUpdated;
  await updated.promise({ installation, result: 'rolled_back', from: '1.0', to: '1.1', reason: 'the health check failed', call: cli() });
  await updated.promise({ installation, result: 'rollback_failed', from: '1.0', to: '1.1', reason: null, call: cli() });
  await updated.promise({ installation, result: 'updated', from: '1.0', to: '1.2', reason: null, call: cli() });
  await settle();
  expect(story()).toEqual([['firing', 'Update of Web Hello on lab was rolled back'], ['resolved', 'Update of Web Hello on lab was rolled back']]);
  expect(sent[0].notification.summary).toMatch(/to 1\.1 failed and was rolled back to 1\.0: the health check failed/);
});

test('an app a poll sees failed is unhealthy once; running again resolves it', async () => {
  const server = { serverId, serverName: 'lab', ownerId: t.ids.alice };
  const app = { installationId: 'inst-7', appName: 'Notes' };
  await announcePoll(t, pollOf(server, new Date(), { apps: [{ ...app, state: 'failed', detail: 'the start failed' }] }));
  await announcePoll(t, pollOf(server, new Date(), { apps: [{ ...app, state: 'failed', detail: 'the start failed' }] }));
  await announcePoll(t, pollOf(server, new Date(), { apps: [{ ...app, state: 'running', detail: null }] }));
  expect(story()).toEqual([['firing', 'App Notes is unhealthy on lab'], ['resolved', 'App Notes is unhealthy on lab']]);
});

test('deleting a server resolves its firing alerts without a notification', async () => {
  await t.kernel.hooks.of(preparationHooks).preparationFinished.promise({ serverId, preparationId: 'p9', status: 'failed', failedStep: null, error: null });
  await settle();
  expect(story()).toEqual([['firing', 'Preparation of lab failed']]);
  expect((await t.request('DELETE', `/api/servers/${serverId}`, { token: t.tokens.alice })).status).toBe(204);
  await settle();
  expect(sent).toHaveLength(1);
  expect((await t.request('GET', '/api/alerts?state=firing', { token: t.tokens.admin })).body.firing).toBe(0);
});
