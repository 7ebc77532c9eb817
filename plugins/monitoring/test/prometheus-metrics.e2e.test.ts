/**
 * GET /metrics of a Tomo with every built-in plugin, after real work: HTTP requests, MCP tool
 * calls (test_connection runs a real SSH command on the test bed's sshd), polls of the test bed
 * and of a server that does not answer. Scraped with an admin API token, as Prometheus would, and
 * parsed with a Prometheus text-format parser.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { connectMcp } from '../../auth/test/support/mcp-client';
import { freePort } from '../../../test-support/ports';
import { addTestbedServer, startMonitoringKernel, type MonitoringKernel } from './support/monitoring-kernel';
import { waitFor } from './support/wait-for';

type Family = ReturnType<typeof parsePrometheusTextFormat>[number];

let t: MonitoringKernel;
let apiToken: string;

beforeAll(async () => {
  t = await startMonitoringKernel({ config: { monitoring: { intervalSeconds: 1 } } });
  const created = await t.request('POST', '/api/auth/tokens', { token: t.tokens.admin, body: { name: 'prometheus' } });
  expect(created.status).toBe(201);
  apiToken = created.body.token as string;
});
afterAll(() => t?.stop());

async function scrape(): Promise<{ families: Map<string, Family>; text: string }> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${apiToken}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { families: new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f])), text };
}

/** The value of a counter or gauge series with these labels (0 when absent). */
function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const series = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(series?.value ?? 0);
}

/** A histogram's observation count for these labels, from its `_count` line (the parser folds labelled histogram series). */
function observations(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => (l.startsWith(`${name}_count{`) || l.startsWith(`${name}_count `)) && want.every((w) => l.includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

test('without a token: 401; with a session token (not an API token): 403', async () => {
  expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
  expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.tokens.admin}` } })).status).toBe(403);
  const userToken = (await t.request('POST', '/api/auth/tokens', { token: t.tokens.alice, body: { name: 'not-an-admin' } })).body.token as string;
  expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${userToken}` } })).status).toBe(403);
});

test('after requests, an SSH command, MCP calls and polls: every family is there with non-zero counts', async () => {
  const serverId = await addTestbedServer(t, t.tokens.alice, 'prometheus-testbed');
  // A server nothing answers for: its polls fail, and so do its SSH connections.
  const port = await freePort();
  const dead = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: { name: 'nobody-home', host: '127.0.0.1', port, username: 'root', authType: 'password', credentials: { password: 'not-used-1234' } } });
  expect(dead.status).toBe(201);

  const mcp = await connectMcp(t.url, t.tokens.alice);
  try {
    const tested = await mcp.callTool({ name: 'test_connection', arguments: { server_id: serverId } });
    expect(tested.isError).toBeFalsy();
    expect((tested.structuredContent as { ok: boolean }).ok).toBe(true);
    const refused = await mcp.callTool({ name: 'get_server', arguments: { server_id: 'not-a-uuid' } });
    expect(refused.isError).toBe(true);
  } finally {
    await mcp.close();
  }

  const { families, text } = await waitFor('a successful and a failed poll', async () => {
    const scraped = await scrape();
    return value(scraped.families, 'tomo_monitoring_polls_total', { outcome: 'ok' }) > 0 && value(scraped.families, 'tomo_monitoring_polls_total', { outcome: 'failed' }) > 0 ? scraped : null;
  });

  // HTTP, by route template.
  expect(value(families, 'tomo_http_requests_total', { method: 'POST', route: '/api/servers', status: '201' })).toBe(2);
  expect(observations(text, 'tomo_http_request_duration_seconds', { method: 'POST', route: '/api/servers' })).toBe(2);
  expect(value(families, 'tomo_http_requests_total', { method: 'POST', route: '/mcp' })).toBeGreaterThan(0);
  // MCP, by tool, errors apart.
  expect(value(families, 'tomo_mcp_tool_calls_total', { tool: 'test_connection', outcome: 'ok' })).toBe(1);
  expect(value(families, 'tomo_mcp_tool_calls_total', { tool: 'get_server', outcome: 'error' })).toBe(1);
  expect(observations(text, 'tomo_mcp_tool_call_duration_seconds', { tool: 'test_connection' })).toBe(1);
  // SSH: the pool's connection to the test bed, connection attempts both ways, commands and their latency.
  expect(families.get('tomo_ssh_pool_connections')?.type).toBe('GAUGE');
  expect(value(families, 'tomo_ssh_pool_connections')).toBeGreaterThanOrEqual(1);
  expect(value(families, 'tomo_ssh_connections_total', { outcome: 'ok' })).toBeGreaterThan(0);
  expect(value(families, 'tomo_ssh_connections_total', { outcome: 'failed' })).toBeGreaterThan(0);
  const completed = value(families, 'tomo_ssh_commands_total', { outcome: 'completed' });
  expect(completed).toBeGreaterThan(0);
  expect(families.get('tomo_ssh_command_duration_seconds')?.type).toBe('HISTOGRAM');
  expect(observations(text, 'tomo_ssh_command_duration_seconds')).toBe(completed + value(families, 'tomo_ssh_commands_total', { outcome: 'failed' }));
  // Polls: rounds and their duration, single polls by outcome.
  const rounds = value(families, 'tomo_monitoring_poll_rounds_total');
  expect(rounds).toBeGreaterThan(0);
  expect(observations(text, 'tomo_monitoring_poll_round_duration_seconds')).toBe(rounds);
  // Node's own, under their standard names.
  expect(value(families, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  // Nothing secret in it: no token, no password, no server address of a user.
  expect(text).not.toContain(apiToken);
  expect(text).not.toContain('not-used-1234');
});
