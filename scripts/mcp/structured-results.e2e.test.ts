/**
 * Every MCP tool of every built-in plugin declares an outputSchema and its results keep it
 * (issue 16, finding 3). A real Tomo with all plugins, the real MCP SDK client (which checks
 * structured content against the listed outputSchema itself), the test bed's sshd and Docker:
 * each tool is called until it succeeds once, and its structured content is checked again
 * explicitly, with zod (the tool's own `output` schema) and with Ajv (the JSON Schema the client
 * was given), and must equal the JSON text. A new tool fails this test until it has a call in
 * CALLS below (and an output schema).
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { connectMcp, resultText } from '../../plugins/auth/test/support/mcp-client';
import { addTestbedServer, markPrepared, startAlertsKernel, type AlertsKernel } from '../../plugins/alerts/test/support/alerts-kernel';
import { freePort } from '../../test-support/ports';

let t: AlertsKernel;
let admin: Client;
let alice: Client;
let anonymous: Client;
/** Ids the calls need, filled in as the calls run (in CALLS' order). */
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startAlertsKernel({ config: { monitoring: { intervalSeconds: 3600 } } });
  admin = await connectMcp(t.url, t.tokens.admin);
  alice = await connectMcp(t.url, t.tokens.alice);
  anonymous = await connectMcp(t.url);
  ids.server = await addTestbedServer(t, t.tokens.alice, 'structured-results');
  await markPrepared(t, ids.server);
});
afterAll(async () => {
  for (const c of [admin, alice, anonymous]) await c?.close();
  await t?.stop();
});

/** Polls a tool until `done` says its structured content is what the next call needs. */
async function until(client: Client, name: string, args: Record<string, unknown>, done: (structured: any) => boolean): Promise<void> {
  const deadline = Date.now() + 30000;
  for (;;) {
    const r = resultText(await client.callTool({ name, arguments: args }));
    if (!r.isError && done(r.structured)) return;
    if (Date.now() > deadline) throw new Error(`${name} never got there: ${r.text.slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Waits until no update or rollback runs on the installation (the calls after it would meet a busy app). */
const settled = () => until(alice, 'get_installed_apps', { server_id: ids.server }, (s) => s.installations.every((i: { updates: { operation: string | null } }) => i.updates.operation === null));

interface ToolCall {
  tool: string;
  client: () => Client;
  args: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** What the next calls need from this result. */
  keep?: (structured: any) => void | Promise<void>;
}

const unreachablePort = 9; // discard: nothing listens there on the test machine
/** One successful call per tool, in an order where each finds what it needs. */
const CALLS: ToolCall[] = [
  // auth
  { tool: 'login', client: () => anonymous, args: () => ({ username: 'alice', password: 'alice-password-1234' }) },
  { tool: 'get_current_user', client: () => anonymous, args: () => ({}) },
  { tool: 'logout', client: () => anonymous, args: () => ({}) },
  { tool: 'create_user', client: () => admin, args: () => ({ username: 'carol', email: 'carol@example.com', password: 'carol-password-1234', role: 'user' }) },
  { tool: 'list_users', client: () => admin, args: () => ({}) },
  // servers
  {
    tool: 'add_server',
    client: () => alice,
    args: () => ({ name: 'nowhere', host: '127.0.0.1', port: unreachablePort, username: 'nobody', auth_type: 'password', credentials: { password: 'not-a-real-password' } }),
    keep: (s) => {
      ids.unreachable = s.id;
    },
  },
  { tool: 'test_connection', client: () => alice, args: () => ({ server_id: ids.server }) },
  { tool: 'list_servers', client: () => alice, args: () => ({}) },
  {
    tool: 'get_server',
    client: () => alice,
    args: () => ({ server_id: ids.server }),
    keep: async (s) => {
      // The server presents a "new" key waiting for an admin (its own trusted key, so accepting keeps the test bed usable).
      ids.fingerprint = s.hostKey.fingerprint;
      const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
      await t.kernel.dataSource.query('UPDATE servers SET pendingHostKeyFingerprint = ?, pendingHostKeyAlgorithm = ?, pendingHostKeySeenAt = ? WHERE id = ?', [s.hostKey.fingerprint, s.hostKey.algorithm, at, ids.server]);
    },
  },
  { tool: 'accept_host_key', client: () => admin, args: () => ({ server_id: ids.server, fingerprint: ids.fingerprint }) },
  { tool: 'update_server', client: () => alice, args: () => ({ server_id: ids.server, name: 'structured-results-2' }) },
  // preparation: on the unreachable server (the run fails at once, without touching this machine)
  { tool: 'prepare_server', client: () => alice, args: () => ({ server_id: ids.unreachable }), keep: () => until(alice, 'get_preparation_status', { server_id: ids.unreachable }, (s) => s.status === 'failed') },
  { tool: 'get_preparation_status', client: () => alice, args: () => ({ server_id: ids.unreachable }) },
  { tool: 'get_preparation_log', client: () => alice, args: () => ({ server_id: ids.unreachable }) },
  { tool: 'retry_preparation', client: () => alice, args: () => ({ server_id: ids.unreachable }), keep: () => until(alice, 'get_preparation_status', { server_id: ids.unreachable }, (s) => s.status === 'failed') },
  // apps
  { tool: 'list_catalog', client: () => alice, args: () => ({ search: 'web' }) },
  { tool: 'get_app_definition', client: () => alice, args: () => ({ app_id: 'web-hello' }) },
  {
    tool: 'install_app',
    client: () => alice,
    args: async () => ({ server_id: ids.server, app_id: 'web-hello', config: { ports: { '80/tcp': await freePort() } } }),
    keep: (s) => {
      ids.installation = s.installation.id;
    },
  },
  { tool: 'get_installed_apps', client: () => alice, args: () => ({ server_id: ids.server }) },
  { tool: 'stop_app', client: () => alice, args: () => ({ server_id: ids.server, app_id: 'web-hello' }) },
  { tool: 'start_app', client: () => alice, args: () => ({ installation_id: ids.installation }) },
  { tool: 'get_app_logs', client: () => alice, args: () => ({ server_id: ids.server, app_id: 'web-hello', tail: 5 }) },
  { tool: 'check_app_updates', client: () => alice, args: () => ({ installation_id: ids.installation }) },
  // Accepted at once; the update runs on (the test image is not in any registry, so its pull fails after the snapshot).
  { tool: 'update_app', client: () => alice, args: () => ({ installation_id: ids.installation }), keep: () => settled() },
  { tool: 'rollback_app', client: () => alice, args: () => ({ server_id: ids.server, app_id: 'web-hello' }), keep: () => settled() },
  // monitoring and activity
  { tool: 'get_app_metrics', client: () => alice, args: () => ({ server_id: ids.server, app_id: 'web-hello' }) },
  { tool: 'get_server_metrics', client: () => alice, args: () => ({ server_id: ids.server, period: '7d' }) },
  { tool: 'get_dashboard_summary', client: () => alice, args: () => ({}) },
  { tool: 'get_activity_logs', client: () => admin, args: () => ({ page_size: 5 }) },
  // alerts
  { tool: 'list_alert_rules', client: () => alice, args: () => ({}) },
  {
    tool: 'create_alert_rule',
    client: () => alice,
    args: () => ({ name: 'Disk of structured-results', kind: 'metric', metric: 'disk_root', operator: '>', threshold: 90, for_minutes: 5, server_id: ids.server }),
    keep: (s) => {
      ids.rule = s.rule.id;
    },
  },
  { tool: 'update_alert_rule', client: () => alice, args: () => ({ rule_id: ids.rule, threshold: 85, clear_threshold: 80 }) },
  { tool: 'list_alerts', client: () => alice, args: () => ({ state: 'firing' }) },
  { tool: 'silence_alert', client: () => alice, args: () => ({ rule_id: ids.rule, server_id: ids.server, minutes: 30, reason: 'structured results' }) },
  { tool: 'delete_alert_rule', client: () => alice, args: () => ({ rule_id: ids.rule }) },
  // notification channels (admins create, test and delete; every user lists)
  {
    tool: 'create_notification_channel',
    client: () => admin,
    args: () => ({ name: 'Structured results', type: 'webhook', config: { url: 'http://127.0.0.1:9/never-answers', secret: 'a-secret-of-16-chars-or-more' } }),
    keep: (s) => {
      ids.channel = s.channel.id;
    },
  },
  { tool: 'list_notification_channels', client: () => alice, args: () => ({}) },
  { tool: 'test_notification_channel', client: () => admin, args: () => ({ channel_id: ids.channel }) },
  { tool: 'delete_notification_channel', client: () => admin, args: () => ({ channel_id: ids.channel }) },
  // the end of what the others needed
  { tool: 'uninstall_app', client: () => alice, args: () => ({ installation_id: ids.installation, remove_data: true }) },
  { tool: 'delete_server', client: () => alice, args: () => ({ server_id: ids.unreachable }) },
];

test('every tool in tools/list has an outputSchema (a JSON Schema object), and CALLS covers every tool', async () => {
  const { tools } = await alice.listTools();
  const registered = t.kernel.tools.all().map((e) => e.definition.name).sort();
  expect(tools.map((x) => x.name).sort()).toEqual(registered);
  expect(new Set(t.kernel.tools.all().map((e) => e.owner))).toEqual(new Set(['auth', 'servers', 'preparation', 'apps', 'monitoring', 'activity', 'alerts']));
  const without = tools.filter((x) => x.outputSchema?.type !== 'object').map((x) => x.name);
  expect(without).toEqual([]);
  const uncovered = registered.filter((name) => !CALLS.some((c) => c.tool === name));
  expect(uncovered.map((name) => `tool ${name} has no call in CALLS (scripts/mcp/structured-results.e2e.test.ts)`)).toEqual([]);
});

test('one successful call of every tool: structured content that keeps its outputSchema (SDK client, zod and Ajv) and equals the text', async () => {
  const { tools } = await alice.listTools();
  const ajv = new AjvJsonSchemaValidator();
  const problems: string[] = [];
  for (const c of CALLS) {
    const listed = tools.find((x) => x.name === c.tool);
    const entry = t.kernel.tools.get(c.tool);
    if (!listed || !entry?.definition.output) {
      problems.push(`${c.tool}: not listed, or no output schema`);
      continue;
    }
    // The SDK client throws when structured content breaks the outputSchema it listed.
    const result = resultText(await c.client().callTool({ name: c.tool, arguments: await c.args() }));
    if (result.isError) {
      problems.push(`${c.tool}: ${result.text.slice(0, 300)}`);
      continue;
    }
    const zod = entry.definition.output.safeParse(result.structured);
    if (!zod.success) problems.push(`${c.tool} (zod): ${zod.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const json = ajv.getValidator(listed.outputSchema as never)(result.structured);
    if (!json.valid) problems.push(`${c.tool} (ajv): ${json.errorMessage}`);
    expect({ tool: c.tool, text: JSON.parse(result.text) }).toEqual({ tool: c.tool, text: result.structured });
    await c.keep?.(result.structured);
  }
  expect(problems).toEqual([]);
  // It installs, updates and rolls back a real app: a loaded machine takes more than the default 30 s.
}, 120000);
