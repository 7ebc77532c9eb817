/**
 * Issue 17's logs on the test bed (real sshd, real Docker): an installed app's newest lines over
 * `GET …/logs` with its generated password masked, the bounds and filters with errors naming the
 * field, the follow stream delivering a line printed after it opened within 2 s (and ending when
 * the app stops), the same access as reading the installation, and `get_app_logs` through the
 * MCP SDK client.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { SINGLE_SERVICE_NAME } from '../src/catalog/definition-types';
import { InstallationLogs, type LogFollow } from '../src/logs/logs-service';
import { MASK } from '../src/logs/secret-mask';
import { addTestbedServer, localDocker, markPrepared, startAppsKernel, TEST_CATALOG, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { ensureLogsImage, LOGS_CATALOG } from './support/logs-image';
import { freePort } from '../../../test-support/ports';

/** The app's one service: the test bed has Compose v2, so the single-container app is a Compose project with one service. */
const SERVICE = SINGLE_SERVICE_NAME;
let t: AppsKernel;
let serverId: string;
let installation: { id: string; containerName: string };
let port: number;
/** The password Tomo generated for the app, read from its container behind Tomo's back. */
let password: string;

beforeAll(async () => {
  await ensureLogsImage();
  t = await startAppsKernel({ config: { catalog: { dirs: [TEST_CATALOG, LOGS_CATALOG] } } });
  serverId = await addTestbedServer(t, t.tokens.alice);
  await markPrepared(t, serverId);
  port = await freePort();
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'log-echo', ports: { '80/tcp': port } } });
  expect(res.status).toBe(202);
  installation = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  expect(installation).toMatchObject({ state: 'running' });
  const env = (await localDocker().getContainer(installation.containerName).inspect()).Config.Env as string[];
  password = env.find((e) => e.startsWith('APP_PASSWORD='))!.slice('APP_PASSWORD='.length);
  expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
}, 90000);

afterAll(async () => {
  if (installation) await t.request('DELETE', `/api/apps/installations/${installation.id}?deleteData=true`, { token: t.tokens.alice });
  await t?.stop();
});

const logsUrl = (query = '') => `/api/apps/installations/${installation.id}/logs${query}`;
/** A request to the app: busybox httpd prints `url:<path>` for it. */
const hit = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) })).text();

test('the tail holds the start lines (stdout and stderr) and a line per request, the generated password masked', async () => {
  const marker = `/tail-${Date.now()}`;
  await hit(marker);
  const res = await t.request('GET', logsUrl('?tail=500'), { token: t.tokens.alice });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ installationId: installation.id, services: [SERVICE] });
  const lines = res.body.lines as Array<{ service: string; stream: string; time: string; text: string }>;
  expect(lines).toContainEqual({ service: SERVICE, stream: 'stdout', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/), text: `generated password: ${MASK}` });
  expect(lines).toContainEqual(expect.objectContaining({ stream: 'stderr', text: 'greeting: hello from stderr' }));
  expect(lines.some((l) => l.text.endsWith(`url:${marker}`))).toBe(true);
  expect(JSON.stringify(res.body)).not.toContain(password);
  // Oldest first.
  expect(lines.map((l) => l.time)).toEqual([...lines.map((l) => l.time)].sort());
});

test('tail bounds the answer to the newest lines; since and service filter', async () => {
  const marker = `/newest-${Date.now()}`;
  await hit(marker);
  await expectEventually(async () => {
    const one = await t.request('GET', logsUrl('?tail=2'), { token: t.tokens.alice });
    // The request line and the response line of the newest request.
    return one.body.lines.map((l: { text: string }) => l.text).join('\n');
  }, new RegExp(`url:${marker}\\n.*response:404$`));
  const future = await t.request('GET', logsUrl(`?since=${encodeURIComponent(new Date(Date.now() + 60000).toISOString())}`), { token: t.tokens.alice });
  expect(future.body.lines).toEqual([]);
  const recent = await t.request('GET', logsUrl(`?since=10m&service=${SERVICE}`), { token: t.tokens.alice });
  expect(recent.body.lines.length).toBeGreaterThan(2);
});

test('bad queries are 400s naming the field; other users get 404, admins may read', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['?tail=0', 'tail', /at least 1/],
    ['?tail=10001', 'tail', /at most 10000/],
    ['?tail=abc', 'tail', /./],
    ['?since=yesterday', 'since', /RFC 3339 time.*duration/],
    ['?service=db', 'service', new RegExp(`no service "db".*${SERVICE}`)],
    ['?colour=red', 'colour', /unknown field/],
  ];
  for (const [query, field, message] of cases) {
    const res = await t.request('GET', logsUrl(query), { token: t.tokens.alice });
    expect([query, res.status, res.body.error.field]).toEqual([query, 400, field]);
    expect(res.body.error.message).toMatch(message);
  }
  expect((await t.request('GET', logsUrl(), { token: t.tokens.bob })).status).toBe(404);
  expect((await t.request('GET', `${logsUrl()}/stream`, { token: t.tokens.bob })).status).toBe(404);
  expect((await t.request('GET', `${logsUrl()}/stream?tail=-1`, { token: t.tokens.alice })).status).toBe(400);
  const streamTail = await t.request('GET', `${logsUrl()}/stream?tail=2001`, { token: t.tokens.alice });
  expect([streamTail.status, streamTail.body.error.field, streamTail.body.error.message]).toEqual([400, 'tail', 'tail: must be at most 2000']);
  expect((await t.request('GET', logsUrl(), { token: t.tokens.admin })).status).toBe(200);
});

/** Opens the follow stream and collects its events. */
function follow(query: string) {
  const events: Array<{ event: string; data: any; id?: string }> = [];
  const abort = new AbortController();
  const waiters: Array<() => void> = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      events.push({ event: message.event ?? 'message', data: JSON.parse(message.data), id: message.id });
      for (const w of waiters.splice(0)) w();
    },
  });
  const opened = fetch(`${t.url}${logsUrl()}/stream${query}`, { headers: { authorization: `Bearer ${t.tokens.alice}` }, signal: abort.signal }).then(async (res) => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch {
        // aborted
      }
    })();
  });
  const lines = () => events.filter((e) => e.event === 'lines').flatMap((e) => e.data.lines as Array<{ text: string }>);
  /** Resolves with the time it took when `test` holds for the events so far. */
  const until = async (test: () => boolean, timeoutMs: number) => {
    const start = Date.now();
    while (!test()) {
      if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms; events: ${JSON.stringify(events).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return Date.now() - start;
  };
  return { events, lines, until, opened, close: () => abort.abort() };
}

test('the follow stream starts with the tail (masked), then delivers a line printed after it opened within 2 s; the Docker stream closes when the client goes away', async () => {
  const follows = jest.spyOn(InstallationLogs.prototype, 'follow');
  const stream = follow('?tail=500');
  await stream.opened;
  await stream.until(() => stream.lines().some((l) => l.text === `generated password: ${MASK}`), 5000);
  expect(stream.events[0]).toMatchObject({ event: 'ready', data: { services: [SERVICE] } });
  const marker = `/live-${Date.now()}`;
  const started = Date.now();
  await hit(marker);
  await stream.until(() => stream.lines().some((l) => l.text.endsWith(`url:${marker}`)), 2000);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(JSON.stringify(stream.events)).not.toContain(password);
  // Each burst's id is the time of its last line, to resume after it.
  const last = stream.events.filter((e) => e.event === 'lines').pop()!;
  expect(last.id).toBe(last.data.lines[last.data.lines.length - 1].time);

  // The app still runs, so its Docker log stream ends only because the client went away.
  const following = follows.mock.results[0].value as LogFollow;
  stream.close();
  const outcome = await Promise.race([following.ended.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open after 5 s'), 5000))]);
  expect(outcome).toBe('closed');
  follows.mockRestore();
});

test('a first burst goes out in events of at most 500 lines, and the stream stays open for what follows', async () => {
  // 2 lines per request: over 600 lines in the app's log.
  for (let i = 0; i < 300; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => hit(`/burst-${i + j}`)));
  const stream = follow('?tail=600');
  await stream.opened;
  await stream.until(() => stream.lines().length >= 600, 10000);
  const sizes = stream.events.filter((e) => e.event === 'lines').map((e) => e.data.lines.length);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(600);
  const marker = `/after-burst-${Date.now()}`;
  await hit(marker);
  await stream.until(() => stream.lines().some((l) => l.text.endsWith(`url:${marker}`)), 2000);
  stream.close();
}, 60000);

test('resuming with Last-Event-ID sends only the lines after that one', async () => {
  const first = await t.request('GET', logsUrl('?tail=1'), { token: t.tokens.alice });
  const after = first.body.lines[0].time as string;
  const marker = `/after-${Date.now()}`;
  await hit(marker);
  const res = await fetch(`${t.url}${logsUrl()}/stream?tail=500`, { headers: { authorization: `Bearer ${t.tokens.alice}`, 'last-event-id': after } });
  const reader = res.body!.getReader();
  let text = '';
  const deadline = Date.now() + 5000;
  while (!text.includes(`url:${marker}`) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  expect(text).toContain(`url:${marker}`);
  expect(text).not.toContain('generated password');
});

test('the stream ends with `end` when the app stops, and get_app_logs reads through MCP (tail, service), masked', async () => {
  const stream = follow('?tail=1');
  await stream.opened;
  await stream.until(() => stream.events.some((e) => e.event === 'ready'), 5000);
  expect((await t.request('POST', `/api/apps/installations/${installation.id}/stop`, { token: t.tokens.alice })).status).toBe(200);
  await stream.until(() => stream.events.some((e) => e.event === 'end'), 15000);
  stream.close();

  const alice: Client = await connectMcp(t.url, t.tokens.alice);
  const bob: Client = await connectMcp(t.url, t.tokens.bob);
  try {
    const listed = (await alice.listTools()).tools.find((tool) => tool.name === 'get_app_logs');
    expect(listed?.annotations).toMatchObject({ readOnlyHint: true });
    expect(Object.keys(listed?.outputSchema?.properties ?? {})).toEqual(['installationId', 'services', 'lines']);
    const result = resultText(await alice.callTool({ name: 'get_app_logs', arguments: { installation_id: installation.id, tail: 10000, service: SERVICE } }));
    expect(result.isError).toBe(false);
    expect(result.text).not.toContain(password);
    const view = JSON.parse(result.text);
    expect(view.services).toEqual([SERVICE]);
    expect(view.lines).toContainEqual(expect.objectContaining({ service: SERVICE, stream: 'stdout', text: `generated password: ${MASK}` }));
    const two = JSON.parse(resultText(await alice.callTool({ name: 'get_app_logs', arguments: { installation_id: installation.id, tail: 2 } })).text);
    expect(two.lines).toHaveLength(2);
    expect(two.lines).toEqual(view.lines.slice(-2));
    // The spec's form: server_id + app_id name the one installation of log-echo there.
    const bySpec = JSON.parse(resultText(await alice.callTool({ name: 'get_app_logs', arguments: { server_id: serverId, app_id: 'log-echo', tail: 2 } })).text);
    expect(bySpec).toEqual(two);
    const badService = resultText(await alice.callTool({ name: 'get_app_logs', arguments: { installation_id: installation.id, service: 'db' } }));
    expect(badService).toMatchObject({ isError: true });
    expect(badService.text).toMatch(/service.*no service "db"/);
    const badTail = resultText(await alice.callTool({ name: 'get_app_logs', arguments: { installation_id: installation.id, tail: 0 } }));
    expect(badTail).toMatchObject({ isError: true });
    expect(badTail.text).toMatch(/tail/);
    const foreign = resultText(await bob.callTool({ name: 'get_app_logs', arguments: { installation_id: installation.id } }));
    expect(foreign).toMatchObject({ isError: true });
    expect(foreign.text).toMatch(/not found/i);
  } finally {
    await alice.close();
    await bob.close();
  }
  expect((await t.request('POST', `/api/apps/installations/${installation.id}/start`, { token: t.tokens.alice })).status).toBe(200);
});

async function expectEventually(read: () => Promise<string>, pattern: RegExp, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await read();
    if (pattern.test(last)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(last).toMatch(pattern);
}
