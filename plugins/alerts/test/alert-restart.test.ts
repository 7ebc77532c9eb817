/**
 * Acceptance 4 (restart): Tomo restarted while alerts fire sends nothing again. A metric alert
 * and a server-offline alert fire; Tomo stops and starts on the same database; the same
 * conditions go on (the poller announces the server offline again after its fresh start, the
 * disk stays full): nothing is sent. When they end, each resolves once.
 */
import { monitoringHooks } from '@tomo/plugin-monitoring/api';
import { addChannel, addUnreachableServer, startAlertsKernel, type AlertsKernel } from './support/alerts-kernel';
import { announcePoll, pollOf } from './support/polls';
import { recordingSender, type Sent } from './support/recording-sender';

let t: AlertsKernel;

afterAll(async () => t?.stop());

test('alerts firing before a restart are not sent again after it, and each resolves once', async () => {
  t = await startAlertsKernel();
  let sent: Sent[] = recordingSender(t);
  const serverId = await addUnreachableServer(t, t.tokens.alice, 'attic');
  const server = { serverId, serverName: 'attic', ownerId: t.ids.alice };
  const channelId = await addChannel(t, 'pager');
  const rule = await t.request('POST', '/api/alerts/rules', { token: t.tokens.alice, body: { name: 'Disk full', kind: 'metric', metric: 'disk_root', operator: '>', threshold: 95, forMinutes: 0, severity: 'critical', channelIds: [channelId] } });
  expect(rule.status).toBe(201);
  const offlineRule = (await t.request('GET', '/api/alerts/rules', { token: t.tokens.admin })).body.rules.find((r: { event: string }) => r.event === 'server_offline');
  expect((await t.request('PATCH', `/api/alerts/rules/${offlineRule.id}`, { token: t.tokens.admin, body: { channelIds: [channelId] } })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 50));

  await announcePoll(t, pollOf(server, new Date(), { diskRootPercent: 97 }));
  await t.kernel.hooks.of(monitoringHooks).serverWentOffline.promise({ ...server, consecutiveFailures: 3, error: 'timed out' });
  await new Promise((r) => setTimeout(r, 50));
  expect(sent.map((s) => [s.notification.status, s.notification.subject])).toEqual([
    ['firing', 'Disk / at 97 % on attic (over 95 %)'],
    ['firing', 'Server attic is offline'],
  ]);
  const firingIds = sent.map((s) => s.notification.alertId);

  // Restart on the same database.
  const dataDir = t.dataDir;
  await t.stop({ keepData: true });
  t = await startAlertsKernel({ dataDir });
  sent = recordingSender(t);

  const hooks = t.kernel.hooks.of(monitoringHooks);
  await hooks.serverWentOffline.promise({ ...server, consecutiveFailures: 3, error: 'timed out' });
  await new Promise((r) => setTimeout(r, 50));
  expect(sent).toEqual([]);
  const firing = await t.request('GET', '/api/alerts?state=firing', { token: t.tokens.alice });
  expect(firing.body.alerts.map((a: { id: string }) => a.id).sort()).toEqual([...firingIds].sort());

  // The server answers again, its disk still full: the offline alert resolves, the disk one goes on quietly.
  await hooks.serverCameOnline.promise(server);
  await announcePoll(t, pollOf(server, new Date(), { diskRootPercent: 98 }));
  await new Promise((r) => setTimeout(r, 50));
  expect(sent.map((s) => [s.notification.status, s.notification.alertId])).toEqual([['resolved', firingIds[1]]]);
  // The disk is freed: its one resolution.
  await announcePoll(t, pollOf(server, new Date(), { diskRootPercent: 60 }));
  await announcePoll(t, pollOf(server, new Date(), { diskRootPercent: 60 }));
  expect(sent.map((s) => [s.notification.status, s.notification.alertId])).toEqual([['resolved', firingIds[1]], ['resolved', firingIds[0]]]);
  expect((await t.request('GET', '/api/alerts/summary', { token: t.tokens.alice })).body).toEqual({ firing: 0 });
});
