/**
 * Several instances on one PostgreSQL database (issue 24): a preparation runs on the instance
 * that started it, and its live log (the console's Preparation tab, `/preparation/events`) is
 * followed through another instance, line by line and to its end. A run another live instance
 * is doing is neither cut off, restarted nor deleted; one whose instance is gone is marked
 * interrupted by the leader's sweep, and the streams following it end. A real preparation over
 * SSH on a fresh test-bed server. Fails without the test bed's PostgreSQL (see useTestbedPostgres).
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { KernelTokens, definePluginModule, type Cluster } from '@tomo/kernel';
import { startTestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { authPlugin } from '../../auth/src/plugin';
import { serversPlugin } from '../../servers/src/plugin';
import { preparationOsPreparersExtensionPoint, PreparationTokens, type OsPreparer } from '../src/api';
import { preparationPlugin } from '../src/plugin';
import { PreparationEntity } from '../src/entities/preparation.entity';
import type { PreparationService } from '../src/services/preparation-service';
import { ADMIN, addFreshServer, startFreshServer, waitForPreparation, type FreshServer, type PreparationKernel } from './support/preparation-kernel';
import { useTestbedPostgres } from '../../../test-support/testbed-postgres';

useTestbedPostgres();
jest.setTimeout(120000);

// The test preparer's one step waits for the test to open the gate, so a stream can be opened
// through the other instance while the run is in the middle.
let openGate: () => void = () => {};
let gate: Promise<void> = Promise.resolve();
function closeGate(): void {
  gate = new Promise<void>((resolve) => (openGate = resolve));
}
const gatedPreparer: OsPreparer = {
  id: 'gated-debian',
  supported: ['Debian (gated, for tests)'],
  supports: (os) => os.id === 'debian',
  plan: () => [
    {
      id: 'wait-for-gate',
      title: 'Wait for the test',
      check: async () => false,
      apply: async (ctx) => {
        ctx.log('before the gate');
        await gate;
        for (const n of [1, 2, 3]) {
          await ctx.run(['sleep', '0.2']);
          ctx.log(`after the gate ${n}`);
        }
      },
    },
  ],
};
const gatedModule = definePluginModule({
  id: 'gated-preparer',
  targetPlugin: 'preparation',
  register: (ctx) => ctx.getExtensionPoint(preparationOsPreparersExtensionPoint).addPreparer(gatedPreparer),
});

async function startInstance(dataDir?: string): Promise<PreparationKernel> {
  const t = await startTestKernel({ plugins: [authPlugin, serversPlugin, preparationPlugin], modules: [gatedModule], dataDir, listen: true });
  const users = t.kernel.resolve(AuthTokens.UserService);
  if (!(await users.findByUsername(ADMIN.username))) {
    await users.create({ ...ADMIN, email: 'admin@example.com', role: 'admin' }, { transport: 'cli', clientIp: 'local', requestId: 'test', log: t.kernel.logger });
  }
  const token = (await t.request('POST', '/api/auth/login', { body: ADMIN })).body.token as string;
  return Object.assign(t, { token });
}

let first: PreparationKernel;
let second: PreparationKernel;
let fresh: FreshServer;
let serverId: string;

beforeAll(async () => {
  fresh = await startFreshServer({ sudo: 'nopasswd' });
  first = await startInstance();
  second = await startInstance(first.dataDir);
  serverId = await addFreshServer(first, fresh, 'prepared-elsewhere');
});

afterAll(async () => {
  openGate();
  await second?.stop({ keepData: true }).catch(() => undefined);
  await first?.stop();
  await fresh?.remove();
});

/** An open event stream: its events so far, and a promise of all of them once it ends. */
async function openStream(t: PreparationKernel): Promise<{ events: Array<{ event: string; data: any; id?: string }>; ended: Promise<void> }> {
  const res = await fetch(`${t.url}/api/servers/${serverId}/preparation/events`, { headers: { authorization: `Bearer ${t.token}`, accept: 'text/event-stream' }, signal: AbortSignal.timeout(60000) });
  expect(res.status).toBe(200);
  const events: Array<{ event: string; data: any; id?: string }> = [];
  const parser = createParser({ onEvent: (m: EventSourceMessage) => events.push({ event: m.event ?? 'message', data: JSON.parse(m.data), id: m.id }) });
  const ended = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  })();
  return { events, ended };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const status = async (t: PreparationKernel) => (await t.request('GET', `/api/servers/${serverId}/preparation`, { token: t.token })).body;
const instanceOf = (t: PreparationKernel) => t.kernel.resolve<Cluster>(KernelTokens.Cluster).instance;
const serviceOf = (t: PreparationKernel) => t.kernel.resolve(PreparationTokens.PreparationService) as unknown as PreparationService;

test('a run on one instance is followed live through the other, each line once and in order, to its end', async () => {
  closeGate();
  expect((await first.request('POST', `/api/servers/${serverId}/preparation`, { token: first.token, body: {} })).status).toBe(202);
  await until('the run to reach the gate', async () => (await status(second)).recentLog?.some((l: { message: string }) => l.message === 'before the gate'));

  // While it runs on the first instance, the second neither cuts it off, nor starts another, nor deletes the server.
  expect(await serviceOf(second).markInterrupted()).toBe(0);
  const again = await second.request('POST', `/api/servers/${serverId}/preparation`, { token: second.token, body: {} });
  expect(again.status).toBe(409);
  expect(again.body.error.message).toMatch(/already running/);
  expect((await second.request('DELETE', `/api/servers/${serverId}`, { token: second.token })).status).toBe(409);

  const stream = await openStream(second);
  await until('the backlog on the stream', () => stream.events.some((e) => e.event === 'line' && e.data.message === 'before the gate'));
  openGate();
  await stream.ended;

  const lines = stream.events.filter((e) => e.event === 'line').map((e) => e.data as { id: number; message: string });
  const messages = lines.map((l) => l.message);
  // Everything after the gate came live, relayed from the first instance.
  expect(messages.slice(messages.indexOf('before the gate'))).toEqual([
    'before the gate',
    ...[1, 2, 3].flatMap((n) => ["$ 'sleep' '0.2'", `after the gate ${n}`]),
    'Wait for the test: done',
    expect.stringMatching(/^Preparation completed/),
  ]);
  const ids = lines.map((l) => l.id);
  expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
  // The full log, read from the database, is what the stream showed from its first line on.
  const log = (await second.request('GET', `/api/servers/${serverId}/preparation/log`, { token: second.token })).body.lines as Array<{ id: number }>;
  expect(log.filter((l) => l.id >= ids[0]).map((l) => l.id)).toEqual(ids);

  const states = stream.events.filter((e) => e.event === 'state').map((e) => e.data);
  expect(states.at(-1)).toMatchObject({ status: 'completed', steps: [{ id: 'detect-os', state: 'applied' }, { id: 'wait-for-gate', state: 'applied' }] });
  expect(stream.events.at(-1)!.event).toBe('end');
  expect(await waitForPreparation(second, serverId, 10000)).toMatchObject({ status: 'completed', preparer: 'gated-debian' });
});

test('a run whose instance is gone is marked interrupted by the leader; the streams following it end', async () => {
  // A record as a killed instance leaves it: in progress, run by an instance no longer connected.
  const preparations = first.kernel.dataSource.getRepository(PreparationEntity);
  await preparations.update({ serverId }, { status: 'in_progress', currentStep: 'wait-for-gate', finishedAt: null, operatorInstance: instanceOf(second) });
  // Still alive (the second instance): nobody cuts it off.
  expect(await serviceOf(first).markInterrupted()).toBe(0);

  await preparations.update({ serverId }, { operatorInstance: 'gone-host:12345' });
  const stream = await openStream(second);
  await until('the stream to open', () => stream.events.some((e) => e.event === 'state'));
  expect(await serviceOf(first).markInterrupted()).toBe(1);
  await stream.ended;
  expect(stream.events.at(-1)!.event).toBe('end');
  expect(stream.events.filter((e) => e.event === 'line').at(-1)!.data.message).toBe('Interrupted by a restart of Tomo; retry to continue');
  expect(await status(second)).toMatchObject({ status: 'failed', failedStep: 'wait-for-gate' });

  // And a new run may start at once over a record in progress whose instance is gone (the gate stays open).
  await preparations.update({ serverId }, { status: 'in_progress', operatorInstance: 'gone-host:12345' });
  expect((await second.request('POST', `/api/servers/${serverId}/preparation`, { token: second.token, body: {} })).status).toBe(202);
  expect(await waitForPreparation(second, serverId, 30000)).toMatchObject({ status: 'completed' });
});
