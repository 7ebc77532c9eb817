import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { z } from 'zod';
import { definePlugin, kernelHooks, type Principal } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { connectMcp } from './support/mcp-client';
import { testNotesPlugin } from './support/notes-plugin';
import { startupError } from './support/kernel-start';

// GET /metrics of a real kernel: scraped with fetch, parsed with a Prometheus text-format parser.

const ADMIN_API: Principal = { id: 'a', name: 'root', role: 'admin', credentialKind: 'api_token' };
const ADMIN_SESSION: Principal = { id: 'a', name: 'root', role: 'admin', credentialKind: 'session' };
const USER_API: Principal = { id: 'u', name: 'alice', role: 'user', credentialKind: 'api_token' };
const principals = new Map([
  ['admin-api', ADMIN_API],
  ['admin-session', ADMIN_SESSION],
  ['user-api', USER_API],
]);
const auth = definePlugin({
  id: 'metrics-auth',
  init(ctx) {
    ctx.hooks.of(kernelHooks).authenticate.tapPromise(ctx.pluginId, async ({ credential }) => principals.get(credential));
  },
});

/** A plugin with a metric of its own, registered as the alerts plugin registers its delivery counter. */
let deliveries: { inc(labels?: { channel?: string; outcome?: string }): void };
const counting = definePlugin({
  id: 'counting',
  init(ctx) {
    ctx.mcp.tool({
      name: 'count_words',
      description: 'Counts the words of a text.',
      access: 'authenticated',
      input: z.object({ text: z.string() }),
      output: z.object({ words: z.number() }),
      handler: ({ text }) => ({ words: text.split(/\s+/).filter(Boolean).length }),
    });
    deliveries = ctx.metrics.counter({ name: 'tomo_test_deliveries_total', help: 'Deliveries, by channel and outcome', labelNames: ['channel', 'outcome'] });
    ctx.metrics.gauge({ name: 'tomo_test_queue_length', help: 'Read at scrape time', collect: () => 7 });
  },
});

interface Family {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }>;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; families: Map<string, Family>; text: string }> {
  const res = await fetch(`${url}/metrics`, { headers });
  const text = await res.text();
  const families = new Map<string, Family>();
  if (res.status === 200) for (const f of parsePrometheusTextFormat(text) as Family[]) families.set(f.name, f);
  return { status: res.status, type: res.headers.get('content-type'), families, text };
}

/**
 * A histogram's observation count for one label set, from the `_count` line. The parser folds a
 * histogram's labelled series into one (it handles unlabelled histograms only), so per-label
 * counts are read from the text it has already accepted.
 */
function histogramCount(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}_count{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [auth, testNotesPlugin, counting] });
});
afterAll(() => t.stop());

test('without a token: 401; a user token or an admin console session: 403; an admin API token: the Prometheus text', async () => {
  const none = await scrape(t.url);
  expect(none.status).toBe(401);
  expect(none.text).toContain('metrics.allowFrom');
  expect((await scrape(t.url, { authorization: 'Bearer not-a-token' })).status).toBe(401);
  expect((await scrape(t.url, { authorization: 'Bearer user-api' })).status).toBe(403);
  expect((await scrape(t.url, { authorization: 'Bearer admin-session' })).status).toBe(403);
  const ok = await scrape(t.url, { authorization: 'Bearer admin-api' });
  expect(ok.status).toBe(200);
  expect(ok.type).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(ok.families.get('process_resident_memory_bytes')?.type).toBe('GAUGE');
  expect((await fetch(`${t.url}/metrics`, { method: 'POST', headers: { authorization: 'Bearer admin-api' } })).status).toBe(405);
});

test('HTTP requests are counted by route template (not the raw path) and status, with their latency', async () => {
  const created = await t.request('POST', '/api/notes', { token: 'admin-api', body: { title: 'x', priority: 1 } });
  const id = String(created.body.id);
  for (let i = 0; i < 3; i++) expect((await t.request('GET', `/api/notes/${id}`, { token: 'admin-api' })).status).toBe(200);
  expect((await t.request('GET', `/api/notes/${id}`)).status).toBe(401);
  await t.request('GET', '/no/such/page');
  const { families, text } = await scrape(t.url, { authorization: 'Bearer admin-api' });
  const requests = families.get('tomo_http_requests_total')!;
  expect(requests.type).toBe('COUNTER');
  const count = (labels: Record<string, string>) => Number(requests.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? 0);
  expect(count({ method: 'GET', route: '/api/notes/:id', status: '200' })).toBe(3);
  expect(count({ method: 'GET', route: '/api/notes/:id', status: '401' })).toBe(1);
  expect(count({ method: 'POST', route: '/api/notes', status: '201' })).toBe(1);
  expect(count({ method: 'GET', route: '(other)' })).toBeGreaterThanOrEqual(1);
  expect(requests.metrics.some((m) => m.labels?.route?.includes(id))).toBe(false);
  const latency = families.get('tomo_http_request_duration_seconds')!;
  expect(latency.type).toBe('HISTOGRAM');
  expect(histogramCount(text, 'tomo_http_request_duration_seconds', { method: 'GET', route: '/api/notes/:id' })).toBe(4);
});

test('MCP tool calls are counted by tool and outcome (errors apart), with their duration', async () => {
  const mcp = await connectMcp(t.url, 'admin-api');
  try {
    const tool = 'count_words';
    expect((await mcp.client.callTool({ name: tool, arguments: { text: 'a b c' } })).structuredContent).toEqual({ words: 3 });
    await mcp.client.callTool({ name: tool, arguments: { text: '' } });
    const bad = await mcp.client.callTool({ name: tool, arguments: { nope: 1 } });
    expect(bad.isError).toBe(true);
    await mcp.client.callTool({ name: 'no_such_tool_at_all', arguments: {} });
    const { families, text } = await scrape(t.url, { authorization: 'Bearer admin-api' });
    const calls = families.get('tomo_mcp_tool_calls_total')!;
    const value = (labels: Record<string, string>) => Number(calls.metrics.find((m) => m.labels?.tool === labels.tool && m.labels?.outcome === labels.outcome)?.value ?? 0);
    expect(value({ tool, outcome: 'ok' })).toBe(2);
    expect(value({ tool, outcome: 'error' })).toBe(1);
    expect(value({ tool: '(unknown)', outcome: 'error' })).toBe(1);
    expect(calls.metrics.some((m) => m.labels?.tool === 'no_such_tool_at_all')).toBe(false);
    expect(families.get('tomo_mcp_tool_call_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(histogramCount(text, 'tomo_mcp_tool_call_duration_seconds', { tool })).toBe(3);
  } finally {
    await mcp.close();
  }
});

test("a plugin's own metrics appear: a counter it updates and a gauge read at scrape time", async () => {
  deliveries.inc({ channel: 'email', outcome: 'sent' });
  deliveries.inc({ channel: 'email', outcome: 'sent' });
  deliveries.inc({ channel: 'webhook', outcome: 'failed' });
  const { families } = await scrape(t.url, { authorization: 'Bearer admin-api' });
  expect(families.get('tomo_test_deliveries_total')!.metrics).toEqual(
    expect.arrayContaining([
      { labels: { channel: 'email', outcome: 'sent' }, value: '2' },
      { labels: { channel: 'webhook', outcome: 'failed' }, value: '1' },
    ]),
  );
  expect(families.get('tomo_test_queue_length')!.metrics).toEqual([{ value: '7' }]);
});

test('a metric name without the tomo_ prefix, or registered twice, stops the plugin naming it', async () => {
  const badName = definePlugin({ id: 'bad-name', init: (ctx) => void ctx.metrics.counter({ name: 'requests_total', help: 'x' }) });
  expect((await startupError({ plugins: [badName] })).message).toContain('Metric "requests_total" of "bad-name": the name must start with tomo_');
  const first = definePlugin({ id: 'first', init: (ctx) => void ctx.metrics.counter({ name: 'tomo_shared_total', help: 'x' }) });
  const second = definePlugin({ id: 'second', init: (ctx) => void ctx.metrics.counter({ name: 'tomo_shared_total', help: 'x' }) });
  expect((await startupError({ plugins: [first, second] })).message).toContain('Metric "tomo_shared_total" is registered by both "first" and "second"');
});

describe('metrics.allowFrom', () => {
  test('a client address in the list scrapes without a token; one outside it still needs one', async () => {
    const open = await startTestKernel({ plugins: [auth], config: { metrics: { allowFrom: ['10.0.0.0/8', '127.0.0.1'] } } });
    const closed = await startTestKernel({ plugins: [auth], config: { metrics: { allowFrom: ['10.0.0.0/8', '::2'] } } });
    try {
      const res = await scrape(open.url);
      expect(res.status).toBe(200);
      expect(res.families.has('tomo_http_requests_total')).toBe(true);
      expect((await scrape(closed.url)).status).toBe(401);
      expect((await scrape(closed.url, { authorization: 'Bearer admin-api' })).status).toBe(200);
    } finally {
      await open.stop();
      await closed.stop();
    }
  });

  test.each([['not-an-address'], ['10.0.0.0/33'], ['::1/129'], ['10.0.0.1/']])('%j is refused at start naming metrics.allowFrom.0', async (entry) => {
    const err = await startupError({ plugins: [auth], config: { metrics: { allowFrom: [entry] } } });
    expect(err.message).toBe('Invalid configuration: metrics.allowFrom.0: must be an IP address or a CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)');
  });
});
