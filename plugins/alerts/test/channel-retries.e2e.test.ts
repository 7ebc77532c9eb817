/**
 * Issue 18, acceptance 4 (retries): a channel whose receiver fails is retried with backoff, each
 * attempt listed with its outcome, response code, time and duration, and the channel shows as
 * failing while it fails; a receiver that never recovers is given up; and a delivery waiting for
 * a retry when Tomo stops is recorded as failed, not dropped silently.
 */
import { startChannelsKernel, waitUntil, type ChannelsKernel } from './support/channels-kernel';
import { HttpReceiver } from './support/http-receiver';

jest.setTimeout(60_000);

type Delivery = { id: string; attempt: number; outcome: string; responseCode: number | null; error: string | null; at: string; durationMs: number; status: string; alertId: string | null };

let t: ChannelsKernel;
let receiver: HttpReceiver;

beforeAll(async () => {
  t = await startChannelsKernel({ retryDelaysMs: [300, 600] });
  receiver = await HttpReceiver.start();
});
afterAll(async () => {
  await t?.stop();
  await receiver?.stop();
});

const deliveries = async (id: string): Promise<Delivery[]> => (await t.request('GET', `/api/alerts/channels/${id}/deliveries`, { token: t.tokens.admin })).body.deliveries;
const channel = async (id: string) => ((await t.request('GET', '/api/alerts/channels', { token: t.tokens.admin })).body.channels as Array<{ id: string; health: string; lastError: string | null; lastDeliveryAt: string | null }>).find((c) => c.id === id)!;

test('a receiver answering 500, 500, then 200 gets three attempts spaced by the backoff; each is listed; health goes failing, then ok', async () => {
  const created = await t.request('POST', '/api/alerts/channels', { token: t.tokens.admin, body: { name: 'Flaky', type: 'webhook', config: { url: `${receiver.url}/flaky`, secret: 'a-secret-of-16-chars-or-more' } } });
  const id = created.body.channel.id as string;
  expect(created.body.channel.health).toBe('untested');
  receiver.answerWith(500, 500, 200);
  const test = await t.request('POST', `/api/alerts/channels/${id}/test`, { token: t.tokens.admin });
  expect(test.status).toBe(202);
  expect(test.body.channel.id).toBe(id);

  await receiver.waitFor(2);
  // Two failures in a row (failingAfterAttempts: 2 in this kernel): the channel shows failing, with the cause.
  const failing = await waitUntil('failing health', async () => {
    const c = await channel(id);
    return c.health === 'failing' ? c : undefined;
  });
  expect(failing.lastError).toMatch(/^HTTP 500/);
  await receiver.waitFor(3);
  const list = await waitUntil('three attempts listed', async () => {
    const l = await deliveries(id);
    return l.length === 3 ? l : undefined;
  });
  expect(list.map((d) => [d.attempt, d.outcome, d.responseCode, d.status, d.alertId])).toEqual([
    [3, 'sent', 200, 'test', null],
    [2, 'retrying', 500, 'test', null],
    [1, 'retrying', 500, 'test', null],
  ]);
  expect(list[2].error).toMatch(/^HTTP 500/);
  expect(list[0].error).toBeNull();
  for (const d of list) {
    expect(Number.isNaN(Date.parse(d.at))).toBe(false);
    expect(d.durationMs).toBeGreaterThanOrEqual(0);
    expect(d.durationMs).toBeLessThan(3000);
  }
  // The backoff, as the receiver saw it: 300 ms, then 600 ms between attempts (never sooner).
  const [a, b, c] = receiver.requests.slice(-3).map((r) => r.at);
  expect(b - a).toBeGreaterThanOrEqual(290);
  expect(c - b).toBeGreaterThanOrEqual(590);
  expect(c - b).toBeGreaterThan(b - a);
  // Each attempt is signed anew; all three are one delivery.
  expect(new Set(receiver.requests.slice(-3).map((r) => r.headers['x-tomo-delivery'])).size).toBe(1);
  expect(receiver.requests.slice(-3).map((r) => (r.json as { attempt: number }).attempt)).toEqual([1, 2, 3]);
  const healed = await waitUntil('ok health', async () => {
    const ch = await channel(id);
    return ch.health === 'ok' ? ch : undefined;
  });
  expect(healed).toMatchObject({ lastError: null, lastDeliveryAt: list[0].at });

  // /metrics counts the attempts by outcome (scraped with an admin API token, as Prometheus would).
  const apiToken = (await t.request('POST', '/api/auth/tokens', { token: t.tokens.admin, body: { name: 'prometheus' } })).body.token as string;
  const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${apiToken}` } })).text();
  expect(text).toMatch(/^tomo_alerts_delivery_attempts_total\{outcome="sent"\} 1$/m);
  expect(text).toMatch(/^tomo_alerts_delivery_attempts_total\{outcome="retrying"\} 2$/m);
});

test('a receiver that never recovers is given up after the last retry; the channel stays failing', async () => {
  const created = await t.request('POST', '/api/alerts/channels', { token: t.tokens.admin, body: { name: 'Dead', type: 'webhook', config: { url: `${receiver.url}/dead` } } });
  const id = created.body.channel.id as string;
  receiver.answerWith(503);
  const before = receiver.requests.length;
  await t.request('POST', `/api/alerts/channels/${id}/test`, { token: t.tokens.admin });
  const list = await waitUntil('three attempts', async () => {
    const l = await deliveries(id);
    return l.length === 3 ? l : undefined;
  });
  expect(list.map((d) => [d.attempt, d.outcome, d.responseCode])).toEqual([[3, 'failed', 503], [2, 'retrying', 503], [1, 'retrying', 503]]);
  // Nothing more is tried after giving up.
  await new Promise((r) => setTimeout(r, 1200));
  expect(receiver.requests.length - before).toBe(3);
  expect(await channel(id)).toMatchObject({ health: 'failing', lastError: expect.stringMatching(/^HTTP 503/) });
});

test('an unreachable receiver and a redirecting one fail with a cause a person can act on', async () => {
  const closed = await HttpReceiver.start();
  const closedUrl = closed.url;
  await closed.stop();
  const a = await t.request('POST', '/api/alerts/channels', { token: t.tokens.admin, body: { name: 'Nobody home', type: 'ntfy', config: { serverUrl: closedUrl, topic: 'x' } } });
  receiver.answerWith(302);
  const b = await t.request('POST', '/api/alerts/channels', { token: t.tokens.admin, body: { name: 'Moved', type: 'gotify', config: { serverUrl: receiver.url, appToken: 'tok' } } });
  for (const c of [a, b]) await t.request('POST', `/api/alerts/channels/${c.body.channel.id}/test`, { token: t.tokens.admin });
  const last = async (id: string) => waitUntil('given up', async () => (await deliveries(id)).find((d) => d.outcome === 'failed'));
  expect((await last(a.body.channel.id)).error).toBe('Could not reach the receiver (ECONNREFUSED)');
  expect(await last(b.body.channel.id)).toMatchObject({ responseCode: 302, error: expect.stringContaining('redirects are not followed') });
});

test('a delivery waiting for its retry when Tomo stops is recorded as failed, and not sent again after the restart', async () => {
  const slow = await startChannelsKernel({ retryDelaysMs: [60_000] });
  const dataDir = slow.dataDir;
  let restarted: ChannelsKernel | null = null;
  try {
    receiver.answerWith(500);
    const created = await slow.request('POST', '/api/alerts/channels', { token: slow.tokens.admin, body: { name: 'Down at shutdown', type: 'webhook', config: { url: `${receiver.url}/down` } } });
    const id = created.body.channel.id as string;
    const before = receiver.requests.length;
    await slow.request('POST', `/api/alerts/channels/${id}/test`, { token: slow.tokens.admin });
    await receiver.waitFor(before + 1);
    await waitUntil('first attempt recorded', async () => (await slow.request('GET', `/api/alerts/channels/${id}/deliveries`, { token: slow.tokens.admin })).body.deliveries.length === 1 || undefined);
    const stopping = Date.now();
    await slow.stop({ keepData: true });
    // Stopping did not wait for the minute-long retry.
    expect(Date.now() - stopping).toBeLessThan(10_000);

    restarted = await startChannelsKernel({ retryDelaysMs: [60_000], dataDir });
    const list = (await restarted.request('GET', `/api/alerts/channels/${id}/deliveries`, { token: restarted.tokens.admin })).body.deliveries as Delivery[];
    expect(list.map((d) => [d.attempt, d.outcome, d.error])).toEqual([
      [2, 'failed', 'Not retried: Tomo stopped before attempt 2'],
      [1, 'retrying', expect.stringMatching(/^HTTP 500/)],
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.requests.length).toBe(before + 1);
  } finally {
    await restarted?.stop();
    await import('node:fs').then((fs) => fs.rmSync(dataDir, { recursive: true, force: true }));
  }
});
