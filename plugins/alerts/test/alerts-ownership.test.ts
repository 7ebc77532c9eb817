/**
 * Acceptance 5 (rules): a user cannot see or use another user's rules or servers (404, the very
 * answer an id of nothing gets), over HTTP and MCP; a user's rule without a server covers only
 * their own servers; an admin sees and changes every rule.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { addChannel, addUnreachableServer, startAlertsKernel, type AlertsKernel } from './support/alerts-kernel';
import { announcePoll, pollOf } from './support/polls';
import { recordingSender, type Sent } from './support/recording-sender';

let t: AlertsKernel;
let sent: Sent[];
let bobMcp: Client;
let aliceServer: string;
let bobServer: string;
let aliceRule: Record<string, unknown>;

beforeAll(async () => {
  t = await startAlertsKernel();
  sent = recordingSender(t);
  aliceServer = await addUnreachableServer(t, t.tokens.alice, 'alice-box');
  bobServer = await addUnreachableServer(t, t.tokens.bob, 'bob-box');
  const channelId = await addChannel(t, 'alice-channel');
  const created = await t.request('POST', '/api/alerts/rules', { token: t.tokens.alice, body: { name: 'CPU of my servers', kind: 'metric', metric: 'cpu', operator: '>', threshold: 50, forMinutes: 0, channelIds: [channelId] } });
  expect(created.status).toBe(201);
  aliceRule = created.body.rule;
  bobMcp = await connectMcp(t.url, t.tokens.bob);
});
afterAll(async () => {
  await bobMcp?.close();
  await t?.stop();
});

test("over HTTP: Bob gets 404 for Alice's rule and server wherever he names them, exactly as for ids of nothing, and nothing changes", async () => {
  const bob = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.tokens.bob, body });
  expect((await bob('GET', '/api/alerts/rules')).body.rules).toEqual([]);
  const calls: Array<[string, (id: { rule: string; server: string }) => string, (id: { rule: string; server: string }) => unknown]> = [
    ['PATCH', (id) => `/api/alerts/rules/${id.rule}`, () => ({ threshold: 10 })],
    ['DELETE', (id) => `/api/alerts/rules/${id.rule}`, () => undefined],
    ['POST', () => '/api/alerts/rules', (id) => ({ name: 'spy', kind: 'event', event: 'server_offline', serverId: id.server })],
    ['POST', () => '/api/alerts/rules/preview', (id) => ({ name: 'spy', kind: 'metric', metric: 'cpu', operator: '>', threshold: 1, serverId: id.server })],
    ['POST', () => '/api/alerts/silences', (id) => ({ ruleId: id.rule, endsAt: new Date(Date.now() + 60_000).toISOString() })],
    ['POST', () => '/api/alerts/silences', (id) => ({ serverId: id.server, endsAt: new Date(Date.now() + 60_000).toISOString() })],
  ];
  for (const [method, path, body] of calls) {
    const alices = { rule: aliceRule.id as string, server: aliceServer };
    const nothing = { rule: randomUUID(), server: randomUUID() };
    const res = await bob(method, path(alices), body(alices));
    const unknown = await bob(method, path(nothing), body(nothing));
    expect({ call: `${method} ${path(alices)}`, status: res.status, code: res.body?.error?.code }).toEqual({ call: `${method} ${path(alices)}`, status: 404, code: 'not_found' });
    expect(res.body).toEqual(unknown.body);
  }
  expect((await bob('GET', `/api/alerts?serverId=${aliceServer}`)).body).toEqual({ alerts: [], total: 0, firing: 0 });
  // Alice's rule is as she made it; Bob made nothing.
  expect((await t.request('GET', '/api/alerts/rules', { token: t.tokens.alice })).body.rules).toEqual([aliceRule]);
  expect((await bob('GET', '/api/alerts/rules')).body.rules).toEqual([]);
  expect((await bob('GET', '/api/alerts/silences')).body.silences).toEqual([]);
  // An admin sees and may change every rule.
  const asAdmin = await t.request('GET', '/api/alerts/rules', { token: t.tokens.admin });
  expect(asAdmin.body.rules.map((r: { id: string }) => r.id)).toContain(aliceRule.id);
});

test("over MCP: Bob's tools answer not found for Alice's rule and server", async () => {
  const call = async (name: string, args: Record<string, unknown>) => resultText(await bobMcp.callTool({ name, arguments: args }));
  for (const [name, args] of [
    ['update_alert_rule', { rule_id: aliceRule.id, threshold: 10 }],
    ['delete_alert_rule', { rule_id: aliceRule.id }],
    ['create_alert_rule', { name: 'spy', kind: 'event', event: 'server_offline', server_id: aliceServer }],
    ['silence_alert', { rule_id: aliceRule.id, minutes: 10 }],
    ['silence_alert', { server_id: aliceServer, minutes: 10 }],
  ] as const) {
    const res = await call(name, args);
    expect({ name, isError: res.isError, text: res.text }).toEqual({ name, isError: true, text: expect.stringMatching(/not found/i) });
  }
  expect((await call('list_alert_rules', {})).structured).toEqual({ rules: [] });
  expect((await call('list_alerts', { server_id: aliceServer })).structured).toEqual({ alerts: [], total: 0, firing: 0 });
  // Bad input names the tool's argument.
  const bad = await call('create_alert_rule', { name: 'x', kind: 'metric', metric: 'cpu', operator: '>', threshold: 10, clear_threshold: 20 });
  expect(bad.isError).toBe(true);
  expect(bad.error).toMatchObject({ code: 'validation_failed', field: 'clear_threshold' });
});

test("a user's rule without a server covers only their own servers", async () => {
  const at = new Date();
  await announcePoll(t, pollOf({ serverId: bobServer, serverName: 'bob-box', ownerId: t.ids.bob }, at, { cpuPercent: 99 }));
  await announcePoll(t, pollOf({ serverId: aliceServer, serverName: 'alice-box', ownerId: t.ids.alice }, at, { cpuPercent: 99 }));
  await new Promise((r) => setTimeout(r, 50));
  expect(sent.filter((s) => s.notification.ruleId === aliceRule.id).map((s) => s.notification.serverName)).toEqual(['alice-box']);
  expect((await t.request('GET', '/api/alerts', { token: t.tokens.bob })).body.total).toBe(0);
});
