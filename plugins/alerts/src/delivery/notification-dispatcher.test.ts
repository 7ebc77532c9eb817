/**
 * The dispatcher's timing and error paths with stand-ins for the store and the attempt log
 * (the real ones, with real receivers, are exercised by test/channels-delivery.e2e.test.ts):
 * backoff between attempts, giving up, order per channel, the per-attempt deadline, the queue
 * limit, secrets scrubbed from errors, and shutdown recording what waits.
 */
import pino from 'pino';
import { DeliveryFailure, type ChannelDefinition } from '../channels/channel-definition';
import type { ChannelStore, OpenedChannel } from '../channels/channel-store';
import type { AlertNotification } from '../notification';
import type { AttemptLog, AttemptRecord } from './attempt-log';
import { Backoff } from './backoff';
import { NotificationDispatcher } from './notification-dispatcher';

const notification = (alertId: string, status: AlertNotification['status'] = 'firing'): AlertNotification => ({
  status, alertId, ruleId: 'r1', ruleName: 'Disk', severity: 'critical', serverId: 's1', serverName: 'nas',
  subject: 'Disk / at 93 %', summary: 'Full.', value: 93, threshold: 90, startedAt: '2026-12-07T03:00:00.000Z', resolvedAt: null,
});

/** A channel whose attempts run `deliver`. */
function setup(deliver: ChannelDefinition['deliver'], config: Partial<{ retryDelaysMs: number[]; attemptTimeoutMs: number; queueLimit: number }> = {}) {
  const records: AttemptRecord[] = [];
  const calls: Array<{ alertId: string; attempt: number; at: number }> = [];
  const definition = {
    type: 'webhook',
    deliver: (n: AlertNotification, c: Record<string, unknown>, ctx: Parameters<ChannelDefinition['deliver']>[2]) => {
      calls.push({ alertId: n.alertId, attempt: ctx.attempt, at: Date.now() });
      return deliver(n, c, ctx);
    },
  } as unknown as ChannelDefinition;
  const store = {
    open: async (id: string): Promise<OpenedChannel | null> =>
      id === 'gone' ? null : ({ entity: { id }, definition, config: {}, needles: ['s3cr3t-token-value'] } as unknown as OpenedChannel),
  } as unknown as ChannelStore;
  const log = { record: async (r: AttemptRecord) => void records.push(r), now: () => new Date() } as unknown as AttemptLog;
  const dispatcher = new NotificationDispatcher(
    store,
    log,
    { retryDelaysMs: config.retryDelaysMs ?? [50, 150, 300], attemptTimeoutMs: config.attemptTimeoutMs ?? 1000, failingAfterAttempts: 3, queueLimit: config.queueLimit ?? 100 },
    'Tomo/test',
    pino({ level: 'silent' }),
  );
  const settled = async (timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs;
    while (!dispatcher.idle) {
      if (Date.now() > until) throw new Error('dispatcher still busy');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { dispatcher, records, calls, settled };
}

test('the backoff schedule: one wait per retry, then give up', () => {
  const b = new Backoff([1000, 5000, 30_000, 120_000, 600_000]);
  expect(b.maxAttempts).toBe(6);
  expect([1, 2, 3, 4, 5, 6].map((n) => b.delayAfter(n))).toEqual([1000, 5000, 30_000, 120_000, 600_000, null]);
  expect(b.delayAfter(0)).toBeNull();
});

test('a failing receiver is retried after each backoff delay until it accepts; every attempt is recorded', async () => {
  let failures = 2;
  const { dispatcher, records, calls, settled } = setup(async () => {
    if (failures-- > 0) throw new DeliveryFailure('HTTP 500: down', 500);
    return { responseCode: 200 };
  });
  dispatcher.send(notification('a1'), ['c1']);
  await settled();
  expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
  // The waits are the configured ones (50 ms, then 150 ms), not less.
  expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(45);
  expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(145);
  expect(calls[2].at - calls[1].at).toBeLessThan(1000);
  expect(records.map((r) => [r.attempt, r.outcome, r.responseCode, r.error])).toEqual([
    [1, 'retrying', 500, 'HTTP 500: down'],
    [2, 'retrying', 500, 'HTTP 500: down'],
    [3, 'sent', 200, null],
  ]);
  expect(new Set(records.map((r) => r.deliveryId)).size).toBe(1);
  expect(records[0]).toMatchObject({ channelId: 'c1', alertId: 'a1', status: 'firing' });
});

test('a receiver that never accepts is given up after the last retry, recorded as failed', async () => {
  const { dispatcher, records, settled } = setup(async () => {
    throw new DeliveryFailure('HTTP 503', 503);
  }, { retryDelaysMs: [10, 20] });
  dispatcher.send(notification('a1'), ['c1']);
  await settled();
  expect(records.map((r) => r.outcome)).toEqual(['retrying', 'retrying', 'failed']);
});

test('one channel gets its notifications in order (a resolved never overtakes its firing); channels do not wait for each other', async () => {
  const { dispatcher, records, settled } = setup(async (n) => {
    if (n.alertId === 'a1' && records.filter((r) => r.alertId === 'a1').length === 0) throw new DeliveryFailure('HTTP 500', 500);
    return { responseCode: 204 };
  });
  dispatcher.send(notification('a1'), ['c1', 'c2', 'c1']);
  dispatcher.send(notification('a1', 'resolved'), ['c1', 'c2']);
  await settled();
  const sentTo = (channel: string) => records.filter((r) => r.channelId === channel && r.outcome === 'sent').map((r) => r.status);
  expect(sentTo('c1')).toEqual(['firing', 'resolved']);
  expect(sentTo('c2')).toEqual(['firing', 'resolved']);
  // c1 named twice in one send: delivered once.
  expect(records.filter((r) => r.channelId === 'c1' && r.status === 'firing').map((r) => r.outcome)).toEqual(['retrying', 'sent']);
});

test('an attempt that hangs past its timeout is abandoned and retried', async () => {
  let first = true;
  const { dispatcher, records, settled } = setup(async () => {
    if (first) {
      first = false;
      await new Promise(() => undefined); // never answers, ignores its own timeout
    }
    return { responseCode: 200 };
  }, { attemptTimeoutMs: 100, retryDelaysMs: [10] });
  dispatcher.send(notification('a1'), ['c1']);
  await settled(8000);
  expect(records.map((r) => [r.outcome, r.error])).toEqual([['retrying', expect.stringMatching(/^No answer within/)], ['sent', null]]);
  expect(records[0].durationMs).toBeGreaterThanOrEqual(2000);
});

test('an error text never carries the channel\'s secrets', async () => {
  const { dispatcher, records, settled } = setup(async () => {
    throw new DeliveryFailure('HTTP 401: bad token s3cr3t-token-value', 401);
  }, { retryDelaysMs: [] });
  dispatcher.send(notification('a1'), ['c1']);
  await settled();
  expect(records[0].error).toBe('HTTP 401: bad token [secret]');
});

test('a deleted channel is skipped without a record; a full queue records the overflow as failed', async () => {
  let release: () => void = () => undefined;
  const { dispatcher, records, settled } = setup(() => new Promise((resolve) => (release = () => resolve({ responseCode: 200 }))), { queueLimit: 2 });
  dispatcher.send(notification('x'), ['gone']);
  for (const id of ['a1', 'a2', 'a3']) dispatcher.send(notification(id), ['c1']);
  await new Promise((r) => setTimeout(r, 50));
  expect(records).toEqual([expect.objectContaining({ alertId: 'a3', outcome: 'failed', error: 'Not sent: 2 notifications already wait for this channel' })]);
  release();
  await new Promise((r) => setTimeout(r, 20));
  release();
  await settled();
  expect(records.filter((r) => r.outcome === 'sent').map((r) => r.alertId)).toEqual(['a1', 'a2']);
  expect(records.some((r) => r.channelId === 'gone')).toBe(false);
});

test('stopping lets the attempt in flight finish and records every waiting delivery as failed, none dropped silently', async () => {
  let release: () => void = () => undefined;
  const { dispatcher, records } = setup(async (n) => {
    if (n.alertId === 'retry-me') throw new DeliveryFailure('HTTP 500', 500);
    await new Promise<void>((resolve) => (release = resolve));
    return { responseCode: 200 };
  }, { retryDelaysMs: [60_000] });
  dispatcher.send(notification('retry-me'), ['c1']);
  dispatcher.send(notification('queued'), ['c1']);
  dispatcher.send(notification('in-flight'), ['c2']);
  dispatcher.send(notification('behind'), ['c2']);
  await new Promise((r) => setTimeout(r, 50));
  const stopped = dispatcher.stop();
  await new Promise((r) => setTimeout(r, 20));
  release();
  await stopped;
  const byAlert = Object.fromEntries(records.map((r) => [`${r.alertId}#${r.attempt}`, [r.outcome, r.error]]));
  expect(byAlert).toEqual({
    'retry-me#1': ['retrying', 'HTTP 500'],
    'retry-me#2': ['failed', 'Not retried: Tomo stopped before attempt 2'],
    'queued#1': ['failed', 'Not sent: Tomo stopped before the first attempt'],
    'in-flight#1': ['sent', null],
    'behind#1': ['failed', 'Not sent: Tomo stopped before the first attempt'],
  });
  // After stopping, a new notification is recorded as not sent rather than queued.
  dispatcher.send(notification('late'), ['c1']);
  await new Promise((r) => setTimeout(r, 20));
  expect(records.at(-1)).toMatchObject({ alertId: 'late', outcome: 'failed', error: 'Not sent: Tomo was stopping' });
});
