/**
 * The evaluation in a real kernel (real SQLite, the real hooks of monitoring, auth and servers),
 * fed polls through monitoring's `serverPolled` hook: the default rules, a metric alert that
 * waits its forMinutes, fires once and resolves once past its hysteresis, silences and
 * maintenance windows, event alerts and their resolutions, a burst of failed logins, and a
 * restart of Tomo while alerts fire (nothing sent again). What is sent is recorded by an
 * in-memory NotificationSender (how channels deliver is the channels' tests' business).
 */
import { monitoringHooks } from '@tomo/plugin-monitoring/api';
import { addChannel, addUnreachableServer, startAlertsKernel, type AlertsKernel } from './support/alerts-kernel';
import { announcePoll, pollOf } from './support/polls';
import { recordingSender, type Sent } from './support/recording-sender';

const MIN = 60_000;
let t: AlertsKernel;
let sent: Sent[];
let serverId: string;
let server: { serverId: string; serverName: string; ownerId: string };
/** Channels by letter (real ones: rules refuse unknown ids; the recording sender delivers nothing). */
const channel: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };

beforeAll(async () => {
  t = await startAlertsKernel();
  sent = recordingSender(t);
  serverId = await addUnreachableServer(t, t.tokens.alice, 'nas');
  server = { serverId, serverName: 'nas', ownerId: t.ids.alice };
  for (const letter of ['a', 'b', 'c', 'd'] as const) channel[letter] = await addChannel(t, `channel-${letter}`);
});
afterAll(async () => t?.stop());
beforeEach(() => sent.splice(0));

const rules = async (token: string) => (await t.request('GET', '/api/alerts/rules', { token })).body.rules as Array<Record<string, unknown>>;
const alerts = async (query = '') => (await t.request('GET', `/api/alerts${query}`, { token: t.tokens.admin })).body;
const activity = async (action: string) => (await t.request('GET', `/api/activity?action=${action}`, { token: t.tokens.admin })).body.entries as Array<Record<string, unknown>>;
const idle = () => new Promise((r) => setTimeout(r, 50));

test('a new instance starts with the three default rules, owned by the system, sending to no channel', async () => {
  const defaults = await rules(t.tokens.admin);
  expect(defaults.map((r) => r.name)).toEqual(['Disk over 90 % for 10 minutes', 'Server offline', 'App crashed']);
  expect(defaults[0]).toMatchObject({ builtIn: true, ownerId: 'system', kind: 'metric', metric: 'disk_root', operator: '>', threshold: 90, forMinutes: 10, clearThreshold: null, serverId: null, channelIds: [], enabled: true });
  expect(defaults[1]).toMatchObject({ builtIn: true, kind: 'event', event: 'server_offline', severity: 'critical', channelIds: [] });
  expect(defaults[2]).toMatchObject({ builtIn: true, kind: 'event', event: 'app_crashed', channelIds: [] });
  // A user's list holds their own rules only.
  expect(await rules(t.tokens.alice)).toEqual([]);
});

test('the disk default: recorded without a channel; with one, it waits 10 minutes, fires once, and resolves once past its hysteresis', async () => {
  const disk = (await rules(t.tokens.admin))[0];
  const t0 = Date.parse('2026-12-07T10:00:00Z');
  const poll = (minute: number, disk: number) => announcePoll(t, pollOf(server, new Date(t0 + minute * MIN), { diskRootPercent: disk }));

  // No channel yet: the alert is recorded, nothing is sent.
  for (let m = 0; m <= 10; m++) await poll(m, 95);
  expect(sent).toEqual([]);
  expect((await alerts('?state=firing')).alerts).toEqual([expect.objectContaining({ ruleId: disk.id, serverId, subject: 'Disk / at 95 % on nas (over 90 % for 10 min)' })]);
  await poll(11, 50);
  expect((await alerts('?state=firing')).firing).toBe(0);

  const patched = await t.request('PATCH', `/api/alerts/rules/${disk.id}`, { token: t.tokens.admin, body: { channelIds: [channel.a] } });
  expect(patched.status).toBe(200);
  expect(patched.body.rule).toMatchObject({ channelIds: [channel.a], builtIn: true, ownerId: 'system' });
  await idle();

  for (let m = 20; m < 30; m++) await poll(m, 93);
  expect(sent).toEqual([]); // 9 minutes past 90 %: not yet
  await poll(30, 93);
  expect(sent).toHaveLength(1);
  expect(sent[0].channelIds).toEqual([channel.a]);
  expect(sent[0].notification).toMatchObject({ status: 'firing', ruleId: disk.id, ruleName: disk.name, severity: 'warning', serverId, serverName: 'nas', value: 93, threshold: 90, resolvedAt: null, subject: 'Disk / at 93 % on nas (over 90 % for 10 min)' });
  const alertId = sent[0].notification.alertId;

  // Still over, then between the clear point (85.5) and the threshold: quiet.
  for (const [m, v] of [[31, 97], [32, 89], [33, 86], [34, 91]] as const) await poll(m, v);
  expect(sent).toHaveLength(1);
  await poll(35, 80);
  expect(sent).toHaveLength(2);
  expect(sent[1].notification).toMatchObject({ status: 'resolved', alertId, value: 80, resolvedAt: expect.any(String) });
  await poll(36, 80);
  expect(sent).toHaveLength(2);

  const page = await alerts(`?ruleId=${disk.id}`);
  expect(page).toMatchObject({ total: 2, firing: 0 });
  expect(page.alerts[0]).toMatchObject({ id: alertId, state: 'resolved', silenced: false, serverName: 'nas' });
  // Alice owns the server: she sees its alerts; Bob does not.
  expect((await t.request('GET', '/api/alerts', { token: t.tokens.alice })).body.total).toBe(2);
  expect((await t.request('GET', '/api/alerts', { token: t.tokens.bob })).body).toEqual({ alerts: [], total: 0, firing: 0 });
  // The rule change and the alert's life are in the activity log.
  expect((await activity('alert_rule.update'))[0]).toMatchObject({ targetId: disk.id, username: 'admin', result: 'ok' });
  expect((await activity('alert.fire')).some((e) => e.targetId === alertId && e.door === 'system')).toBe(true);
  expect((await activity('alert.resolve')).some((e) => e.targetId === alertId)).toBe(true);
});

test('a silence records the alert as silenced and sends neither its firing nor its resolution; a maintenance window ahead does not silence yet', async () => {
  const created = await t.request('POST', '/api/alerts/rules', { token: t.tokens.alice, body: { name: 'CPU hot', kind: 'metric', metric: 'cpu', operator: '>', threshold: 80, forMinutes: 0, channelIds: [channel.b] } });
  expect(created.status).toBe(201);
  const ruleId = created.body.rule.id as string;
  await idle();
  const at = (m: number) => new Date(Date.now() + m * 1000);

  const window = await t.request('POST', '/api/alerts/silences', { token: t.tokens.alice, body: { serverId, startsAt: new Date(Date.now() + 3600_000).toISOString(), endsAt: new Date(Date.now() + 7200_000).toISOString(), reason: 'disk swap tonight' } });
  expect(window.status).toBe(201);
  expect(window.body.silence).toMatchObject({ serverId, ruleId: null, active: false, reason: 'disk swap tonight', createdBy: t.ids.alice });
  await announcePoll(t, pollOf(server, at(0), { cpuPercent: 99 }));
  await announcePoll(t, pollOf(server, at(1), { cpuPercent: 10 }));
  expect(sent.map((s) => s.notification.status)).toEqual(['firing', 'resolved']);

  const silence = await t.request('POST', '/api/alerts/silences', { token: t.tokens.alice, body: { ruleId, endsAt: new Date(Date.now() + 600_000).toISOString() } });
  expect(silence.status).toBe(201);
  expect(silence.body.silence.active).toBe(true);
  sent.splice(0);
  await announcePoll(t, pollOf(server, at(2), { cpuPercent: 99 }));
  const firing = (await alerts(`?ruleId=${ruleId}&state=firing`)).alerts;
  expect(firing).toEqual([expect.objectContaining({ silenced: true, state: 'firing' })]);
  await announcePoll(t, pollOf(server, at(3), { cpuPercent: 10 }));
  expect(sent).toEqual([]);
  expect((await alerts(`?ruleId=${ruleId}`)).alerts[0]).toMatchObject({ state: 'resolved', silenced: true });

  expect((await t.request('GET', '/api/alerts/silences', { token: t.tokens.alice })).body.silences).toHaveLength(2);
  expect((await t.request('GET', '/api/alerts/silences', { token: t.tokens.bob })).body.silences).toEqual([]);
  expect((await t.request('DELETE', `/api/alerts/silences/${silence.body.silence.id}`, { token: t.tokens.bob })).status).toBe(404);
  expect((await t.request('DELETE', `/api/alerts/silences/${silence.body.silence.id}`, { token: t.tokens.alice })).status).toBe(204);
  expect((await activity('alert_silence.create')).length).toBe(2);
  expect((await activity('alert_silence.delete'))[0]).toMatchObject({ username: 'alice' });
  expect((await t.request('DELETE', `/api/alerts/rules/${ruleId}`, { token: t.tokens.alice })).status).toBe(204);
});

test('event alerts: offline fires once however often announced and resolves on the next good poll; a crashed app resolves when it runs again', async () => {
  const [, offline, crashed] = await rules(t.tokens.admin);
  for (const rule of [offline, crashed]) expect((await t.request('PATCH', `/api/alerts/rules/${rule.id}`, { token: t.tokens.admin, body: { channelIds: [channel.c] } })).status).toBe(200);
  await idle();
  const hooks = t.kernel.hooks.of(monitoringHooks);
  for (let i = 0; i < 2; i++) await hooks.serverWentOffline.promise({ ...server, consecutiveFailures: 3 + i, error: 'connect ECONNREFUSED' });
  await idle();
  expect(sent.map((s) => [s.notification.status, s.notification.subject])).toEqual([['firing', 'Server nas is offline']]);
  expect(sent[0].notification).toMatchObject({ severity: 'critical', ruleId: offline.id, summary: expect.stringContaining('ECONNREFUSED') });
  await announcePoll(t, pollOf(server, new Date()));
  expect(sent.map((s) => s.notification.status)).toEqual(['firing', 'resolved']);

  sent.splice(0);
  const app = { installationId: 'inst-1', appName: 'Web Hello' };
  await hooks.appCrashed.promise({ serverId, ownerId: t.ids.alice, ...app, detail: 'Exited (137) 3 seconds ago' });
  await hooks.appCrashed.promise({ serverId, ownerId: t.ids.alice, ...app, detail: 'Exited (137) 9 seconds ago' });
  await announcePoll(t, pollOf(server, new Date(), { apps: [{ ...app, state: 'crashed', detail: 'Exited (137)' }] }));
  await idle();
  expect(sent.map((s) => [s.notification.status, s.notification.subject])).toEqual([['firing', 'App Web Hello crashed on nas']]);
  await announcePoll(t, pollOf(server, new Date(), { apps: [{ ...app, state: 'running', detail: null }] }));
  expect(sent.map((s) => s.notification.status)).toEqual(['firing', 'resolved']);
});

test('a burst of failed logins fires one alert for an admin rule (5 in 10 minutes unless the rule says otherwise)', async () => {
  const created = await t.request('POST', '/api/alerts/rules', { token: t.tokens.admin, body: { name: 'Login burst', kind: 'event', event: 'login_failures', threshold: 3, forMinutes: 5, severity: 'critical', channelIds: [channel.d] } });
  expect(created.status).toBe(201);
  await idle();
  for (let i = 0; i < 4; i++) expect((await t.request('POST', '/api/auth/login', { body: { username: 'bob', password: `wrong-password-${i}` } })).status).toBe(401);
  await idle();
  const burst = sent.filter((s) => s.notification.ruleId === created.body.rule.id);
  expect(burst.map((s) => [s.notification.status, s.notification.subject, s.notification.value, s.notification.threshold])).toEqual([['firing', '3 failed logins', 3, 3]]);
  // Only admins watch logins: failed logins concern no user's server.
  const refused = await t.request('POST', '/api/alerts/rules', { token: t.tokens.alice, body: { name: 'mine', kind: 'event', event: 'login_failures' } });
  expect(refused.status).toBe(400);
  expect(refused.body.error).toMatchObject({ field: 'event' });
});

test('bad rules are refused with 400 naming the field and the rule, and nothing is created', async () => {
  const before = (await rules(t.tokens.admin)).length;
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ name: 'x', kind: 'metric', metric: 'cpu', operator: '>' }, 'threshold', /required/],
    [{ name: 'x', kind: 'metric', metric: 'disk_root', operator: '>', threshold: 150 }, 'threshold', /0 to 100/],
    [{ name: 'x', kind: 'metric', metric: 'disk_root', operator: '>', threshold: 90, clearThreshold: 95 }, 'clearThreshold', /at most the threshold/],
    [{ name: 'x', kind: 'metric', metric: 'gpu', operator: '>', threshold: 1 }, 'metric', /one of/],
    [{ name: 'x', kind: 'event', event: 'server_offline', forMinutes: 5 }, 'forMinutes', /null for an event rule/],
    [{ name: 'x', kind: 'event' }, 'event', /required/],
    [{ name: '', kind: 'event', event: 'app_crashed' }, 'name', /empty/],
    [{ name: 'x', kind: 'metric', metric: 'cpu', operator: '>', threshold: 5, forMinutes: -1 }, 'forMinutes', /0 or more/],
    [{ name: 'x', kind: 'event', event: 'app_crashed', severity: 'loud' }, 'severity', /one of/],
    [{ name: 'x', kind: 'event', event: 'app_crashed', channelIds: ['f3b1c2d4-0000-4000-8000-000000000000'] }, 'channelIds.0', /no notification channel has this id/],
  ];
  for (const [body, field, message] of cases) {
    const res = await t.request('POST', '/api/alerts/rules', { token: t.tokens.admin, body });
    expect({ field, status: res.status, error: res.body.error }).toEqual({ field, status: 400, error: expect.objectContaining({ field, message: expect.stringMatching(message) }) });
  }
  // A change is checked merged over the rule: a metric rule turned into an event rule keeps its threshold.
  const disk = (await rules(t.tokens.admin))[0];
  const res = await t.request('PATCH', `/api/alerts/rules/${disk.id}`, { token: t.tokens.admin, body: { kind: 'event', event: 'server_offline' } });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ field: 'metric' });
  const unknownChannel = await t.request('PATCH', `/api/alerts/rules/${disk.id}`, { token: t.tokens.admin, body: { channelIds: [channel.a, 'no-such-channel'] } });
  expect(unknownChannel.status).toBe(400);
  expect(unknownChannel.body.error).toMatchObject({ field: 'channelIds.1' });
  expect((await rules(t.tokens.admin)).length).toBe(before);
  const silence = await t.request('POST', '/api/alerts/silences', { token: t.tokens.admin, body: { endsAt: new Date(Date.now() - 1000).toISOString() } });
  expect(silence.body.error).toMatchObject({ field: 'endsAt', message: 'must be in the future' });
});

test('the preview says what a draft would fire on the last poll, ignoring forMinutes', async () => {
  await announcePoll(t, pollOf(server, new Date(), { memoryPercent: 72.5 }));
  const draft = { name: 'Memory', kind: 'metric', metric: 'memory', operator: '>', threshold: 70, forMinutes: 30 };
  const res = await t.request('POST', '/api/alerts/rules/preview', { token: t.tokens.alice, body: draft });
  expect(res.status).toBe(200);
  expect(res.body.matches).toEqual([{ serverId, serverName: 'nas', value: 72.5, firing: true }]);
  expect((await t.request('POST', '/api/alerts/rules/preview', { token: t.tokens.alice, body: { ...draft, threshold: 80 } })).body.matches[0].firing).toBe(false);
  // Bob has no server: nothing to preview; Alice's server is not his.
  expect((await t.request('POST', '/api/alerts/rules/preview', { token: t.tokens.bob, body: draft })).body.matches).toEqual([]);
  expect((await t.request('POST', '/api/alerts/rules/preview', { token: t.tokens.bob, body: { ...draft, serverId } })).status).toBe(404);
});
