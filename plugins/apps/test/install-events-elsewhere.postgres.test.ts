/**
 * Several instances on one PostgreSQL database (issue 24): an install started through one
 * instance is followed live through another (the console's progress dialog, whichever instance
 * the proxy sends it to), from the record the installing instance saves at every step. Real
 * Docker over SSH on the test bed. PostgreSQL pass only: it fails without TOMO_TEST_DATABASE_URL.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { freePort } from '../../../test-support/ports';
import { addTestbedServer, markPrepared, removeServerApps, startAppsKernel, type AppsKernel } from './support/apps-kernel';
import { useTestbedPostgres } from '../../../test-support/testbed-postgres';

useTestbedPostgres();

let first: AppsKernel;
let second: AppsKernel | undefined;
let serverId: string;

beforeAll(async () => {
  useTestbedPostgres();
  first = await startAppsKernel();
  second = await startAppsKernel({ dataDir: first.dataDir });
  serverId = await addTestbedServer(first, first.tokens.alice);
  await markPrepared(first, serverId);
});

afterAll(async () => {
  if (serverId) await removeServerApps(serverId);
  await second?.stop({ keepData: true }).catch(() => undefined);
  await first?.stop();
});

/** Reads a whole event stream (it ends by itself after `end`). */
async function readStream(base: string, id: string, token: string): Promise<Array<{ event: string; data: any }>> {
  const res = await fetch(`${base}/api/apps/installations/${id}/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: AbortSignal.timeout(60000) });
  expect(res.status).toBe(200);
  const events: Array<{ event: string; data: any }> = [];
  const parser = createParser({ onEvent: (m: EventSourceMessage) => events.push({ event: m.event ?? 'message', data: JSON.parse(m.data) }) });
  parser.feed(await res.text());
  return events;
}

test('an install running on one instance is followed step by step through the other, to the running app', async () => {
  const res = await first.request('POST', `/api/servers/${serverId}/apps`, { token: first.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
  expect(res.status).toBe(202);
  const id = res.body.installation.id as string;
  const events = await readStream(second!.url, id, second!.tokens.alice);
  const names = events.map((e) => e.event);
  expect(names[0]).toBe('installation');
  expect(events[0].data.installation).toMatchObject({ id, state: 'installing' });
  expect(names.slice(-2)).toEqual(['installation', 'end']);
  expect(events.at(-2)!.data.installation).toMatchObject({ id, state: 'running' });
  const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.steps as Array<{ id: string; state: string }>);
  expect(progress.length).toBeGreaterThan(0);
  // Once it is over, the other instance answers as for any settled app: the view, then the end.
  const again = await readStream(second!.url, id, second!.tokens.alice);
  expect(again.map((e) => [e.event, e.data.installation?.state])).toEqual([
    ['installation', 'running'],
    ['end', undefined],
  ]);
});
