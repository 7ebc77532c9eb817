/**
 * Acceptance 1 and 2 on a real server of the test bed (a fresh Debian container of our own: its
 * sshd is stopped here, never the shared test-bed sshd), polled for real by the monitoring
 * plugin every 2 s, evaluated in memory on each poll:
 *   1. the default "Server offline" rule, given a channel: sshd stopped (and its open sessions
 *      ended, as a reboot would) -> one firing notification within three poll intervals; sshd
 *      back -> one "resolved";
 *   2. a disk rule: the disk filled for real with `fallocate` through the test bed (not through
 *      Tomo) -> fires; the file removed -> resolves.
 * Notifications go to a real webhook channel whose receiver (a local HTTP server) verifies each
 * delivery's signature as docs/alerts-webhook.md tells receivers to.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFreshServer } = require('../../../scripts/testbed/fresh-server') as typeof import('../../../scripts/testbed/fresh-server');
import crypto from 'node:crypto';
import type { AlertNotification } from '../src/notification';
import { startAlertsKernel, type AlertsKernel } from './support/alerts-kernel';
import { HttpReceiver, type ReceivedRequest } from './support/http-receiver';

const INTERVAL_S = 2;
let t: AlertsKernel;
let receiver: HttpReceiver;
let channelId: string;
let signingSecret: string;
let fresh: Awaited<ReturnType<typeof startFreshServer>>;
let serverId: string;

jest.setTimeout(60_000);

beforeAll(async () => {
  [fresh, t] = await Promise.all([
    startFreshServer({ sudo: 'none' }),
    startAlertsKernel({ config: { monitoring: { intervalSeconds: INTERVAL_S }, servers: { ssh: { handshakeTimeoutMs: 1000 } } } }),
  ]);
  receiver = await HttpReceiver.start();
  const channel = await t.request('POST', '/api/alerts/channels', { token: t.tokens.admin, body: { name: 'receiver', type: 'webhook', config: { url: `${receiver.url}/tomo` } } });
  expect(channel.status).toBe(201);
  channelId = channel.body.channel.id;
  signingSecret = channel.body.signingSecret;
  expect(signingSecret).toEqual(expect.any(String));
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: { name: 'fresh-box', host: fresh.host, port: fresh.port, username: fresh.username, authType: 'password', credentials: { password: fresh.password } } });
  expect(added.status).toBe(201);
  serverId = added.body.id;
  expect((await t.request('POST', `/api/servers/${serverId}/test`, { token: t.tokens.alice })).body).toMatchObject({ ok: true });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.stop();
  await fresh?.remove();
});

async function waitFor<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(ofServer().map((s) => [s.notification.status, s.notification.subject]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** The receiver's side of docs/alerts-webhook.md: the HMAC-SHA256 of `timestamp.body`, keyed with the channel's secret. */
function signatureHolds(req: ReceivedRequest): boolean {
  const timestamp = String(req.headers['x-tomo-timestamp'] ?? '');
  const signature = String(req.headers['x-tomo-signature'] ?? '');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = `sha256=${crypto.createHmac('sha256', signingSecret).update(`${timestamp}.`).update(req.raw).digest('hex')}`;
  return signature.length === expected.length && crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
/** The `alert` of a webhook body: the notification, its id as `id`. */
type WebhookAlert = Omit<AlertNotification, 'alertId'> & { id: string };
let seen = 0;
/** Deliveries about the fresh server, each checked for its signature; a retried delivery counts once. */
const ofServer = () => {
  const byDelivery = new Map<string, { notification: WebhookAlert; signed: boolean }>();
  for (const req of receiver.requests.slice(seen)) {
    const body = req.json as { deliveryId: string; alert: WebhookAlert } | undefined;
    if (body?.alert?.serverId !== serverId) continue;
    byDelivery.set(body.deliveryId, { notification: body.alert, signed: signatureHolds(req) });
  }
  return [...byDelivery.values()];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('acceptance 1: sshd stopped -> one "server offline" notification within three poll intervals; sshd back -> one "resolved"', async () => {
  const rules = (await t.request('GET', '/api/alerts/rules', { token: t.tokens.admin })).body.rules;
  const offline = rules.find((r: { event: string; builtIn: boolean }) => r.event === 'server_offline' && r.builtIn);
  expect((await t.request('PATCH', `/api/alerts/rules/${offline.id}`, { token: t.tokens.admin, body: { channelIds: [channelId] } })).status).toBe(200);
  // Polled and online first (the preview shows the last poll's figure).
  const cpuDraft = { name: 'probe', kind: 'metric', metric: 'ssh_latency', operator: '>', threshold: 100000 };
  await waitFor('a poll of the fresh server', async () => (await t.request('POST', '/api/alerts/rules/preview', { token: t.tokens.alice, body: cpuDraft })).body.matches[0]?.value !== null, 15_000);
  expect(ofServer()).toEqual([]);

  await fresh.stopSsh();
  // The poller's pooled connection would outlive a stopped sshd: end the user's sessions too.
  await fresh.exec(['pkill', '-KILL', '-u', fresh.username]);
  const stoppedAt = Date.now();
  const firing = await waitFor('the offline notification', () => ofServer().find((s) => s.notification.status === 'firing'), 20_000);
  const tookMs = Date.now() - stoppedAt;
  console.log(`server offline notified ${tookMs} ms after sshd stopped (poll interval ${INTERVAL_S} s)`);
  expect(tookMs).toBeLessThanOrEqual(3 * INTERVAL_S * 1000 + 1500);
  expect(firing.signed).toBe(true);
  expect(firing.notification).toMatchObject({ status: 'firing', ruleId: offline.id, ruleName: 'Server offline', severity: 'critical', serverName: 'fresh-box', subject: 'Server fresh-box is offline' });
  // Still down two more intervals: nothing more.
  await sleep(2 * INTERVAL_S * 1000);
  expect(ofServer()).toHaveLength(1);

  await fresh.startSsh();
  const resolved = await waitFor('the resolved notification', () => ofServer().find((s) => s.notification.status === 'resolved'), 30_000);
  expect(resolved.signed).toBe(true);
  expect(resolved.notification).toMatchObject({ id: firing.notification.id, status: 'resolved', resolvedAt: expect.any(String) });
  await sleep(INTERVAL_S * 1000);
  expect(ofServer().map((s) => s.notification.status)).toEqual(['firing', 'resolved']);
  const history = await t.request('GET', `/api/alerts?serverId=${serverId}`, { token: t.tokens.alice });
  expect(history.body).toMatchObject({ total: 1, firing: 0, alerts: [{ id: firing.notification.id, state: 'resolved', silenced: false }] });
});

test('acceptance 2: a disk rule fires when fallocate fills the disk for real, and resolves when the file is removed', async () => {
  seen = receiver.requests.length;
  // The server's disk is the test machine's (a container's root): the rule sits just above today's use.
  const draft = { name: 'Disk filling', kind: 'metric', metric: 'disk_root', operator: '>', threshold: 99, forMinutes: 0 };
  const preview = await t.request('POST', '/api/alerts/rules/preview', { token: t.tokens.alice, body: draft });
  const base = preview.body.matches[0].value as number;
  expect(base).toBeGreaterThan(0);
  const total = Number((await fresh.exec(['df', '-P', '-k', '/'])).stdout.trim().split('\n')[1].split(/\s+/)[1]) * 1024;
  // Enough to raise the use by 1.2 points (at most 8 GiB); threshold at +0.6, resolving under +0.3.
  const bytes = Math.min(8 * 1024 ** 3, Math.ceil((total * 1.2) / 100));
  const created = await t.request('POST', '/api/alerts/rules', {
    token: t.tokens.alice,
    body: { ...draft, threshold: Math.round((base + 0.6) * 10) / 10, clearThreshold: Math.round((base + 0.3) * 10) / 10, serverId, channelIds: [channelId] },
  });
  expect(created.status).toBe(201);
  await sleep(2 * INTERVAL_S * 1000);
  expect(ofServer()).toEqual([]);

  const fill = await fresh.exec(['fallocate', '-l', String(bytes), '/var/tmp/alerts-fill']);
  expect(fill.code).toBe(0);
  try {
    const firing = await waitFor('the disk notification', () => ofServer().find((s) => s.notification.status === 'firing'), 15_000);
    expect(firing.signed).toBe(true);
    expect(firing.notification).toMatchObject({ ruleId: created.body.rule.id, serverName: 'fresh-box', threshold: created.body.rule.threshold, subject: expect.stringMatching(/^Disk \/ at .* on fresh-box \(over /) });
    expect(firing.notification.value).toBeGreaterThan(created.body.rule.threshold);
  } finally {
    await fresh.exec(['rm', '-f', '/var/tmp/alerts-fill']);
  }
  const resolved = await waitFor('the disk resolution', () => ofServer().find((s) => s.notification.status === 'resolved'), 15_000);
  expect(resolved.notification.value).toBeLessThan(created.body.rule.clearThreshold);
  expect(ofServer().map((s) => s.notification.status)).toEqual(['firing', 'resolved']);
});
