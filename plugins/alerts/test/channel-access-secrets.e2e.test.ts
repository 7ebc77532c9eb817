/**
 * Issue 18, acceptance 5 (channels): a user lists channels (to pick them in rules) but cannot
 * create, delete, test them or read their deliveries (403), over HTTP and MCP; and no channel
 * secret — tokens, passwords, webhook URLs that embed one, the HMAC secret — appears in any
 * response (but the one that hands out a generated signing secret), MCP result, log line,
 * activity entry, delivery record or database file, even when receivers answer with errors
 * that echo the secret back.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { isPostgres, runSql } from '@tomo/kernel';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { startChannelsKernel, waitUntil, type ChannelsKernel } from './support/channels-kernel';
import { HttpReceiver } from './support/http-receiver';
import { SmtpReceiver } from './support/smtp-receiver';

jest.setTimeout(60_000);

const SECRETS = {
  ntfyToken: 'tk_sweepNtfyToken7781',
  gotifyToken: 'GotifySweepToken.5521',
  discordToken: 'DiscordSweepTokenPart-0042',
  slackPart: 'SlackSweepSecretPart9917',
  webhookQueryToken: 'WebhookQueryToken-6631',
  webhookBasicPassword: 'BasicAuthSweepPw-1207',
  webhookSecret: 'given-webhook-signing-secret-3390',
  smtpPassword: 'SmtpSweepPassword-4418',
  mcpNtfyToken: 'tk_mcpSweepToken2290',
};

let t: ChannelsKernel;
let echo: HttpReceiver;
let smtp: SmtpReceiver;
let adminMcp: Client;
let aliceMcp: Client;
/** Everything Tomo answered, with where; `allowed` names the one secret an answer may carry. */
const answers: Array<{ where: string; text: string; allowed?: string }> = [];

async function http(method: string, url: string, token: string, body?: unknown) {
  const res = await t.request(method, url, { token, body });
  answers.push({ where: `${method} ${url} → ${res.status}`, text: typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? null) });
  return res;
}
async function tool(mcp: Client, name: string, args: Record<string, unknown>) {
  const result = resultText(await mcp.callTool({ name, arguments: args }));
  answers.push({ where: `MCP ${name}`, text: JSON.stringify(result) });
  return result;
}

beforeAll(async () => {
  t = await startChannelsKernel({ retryDelaysMs: [100] });
  // A receiver that refuses everything and echoes what it got (URL, headers, body) in its answer.
  echo = await HttpReceiver.start((req) => ({ status: 401, body: JSON.stringify({ error: 'refused', url: req.url, headers: req.headers }) }));
  smtp = await SmtpReceiver.start({ username: 'mailer', password: 'the-right-password-1' });
  adminMcp = await connectMcp(t.url, t.tokens.admin);
  aliceMcp = await connectMcp(t.url, t.tokens.alice);
});
afterAll(async () => {
  await adminMcp?.close();
  await aliceMcp?.close();
  await t?.stop();
  await echo?.stop();
  await smtp?.stop();
});

test('a user lists channels without secrets but cannot create, delete, test or read deliveries (403), over HTTP and MCP', async () => {
  const made = await http('POST', '/api/alerts/channels', t.tokens.admin, { name: 'Admin\'s ntfy', type: 'ntfy', config: { serverUrl: echo.url, topic: 'ops', token: SECRETS.ntfyToken } });
  expect(made.status).toBe(201);
  expect(made.body.channel).toMatchObject({ type: 'ntfy', settings: { serverUrl: echo.url, topic: 'ops' }, secretFields: ['token'], health: 'untested' });
  const id = made.body.channel.id as string;

  const listed = await http('GET', '/api/alerts/channels', t.tokens.alice);
  expect(listed.status).toBe(200);
  expect(listed.body.channels).toEqual([made.body.channel]);
  expect((await http('POST', '/api/alerts/channels', t.tokens.alice, { name: 'Mine', type: 'ntfy', config: { topic: 'mine' } })).status).toBe(403);
  expect((await http('DELETE', `/api/alerts/channels/${id}`, t.tokens.alice)).status).toBe(403);
  expect((await http('POST', `/api/alerts/channels/${id}/test`, t.tokens.alice)).status).toBe(403);
  expect((await http('GET', `/api/alerts/channels/${id}/deliveries`, t.tokens.alice)).status).toBe(403);
  expect((await http('GET', '/api/alerts/channels', '')).status).toBe(401);

  const mcpList = await tool(aliceMcp, 'list_notification_channels', {});
  expect(mcpList.structured.channels.map((c: { id: string }) => c.id)).toEqual([id]);
  for (const [name, args] of [
    ['create_notification_channel', { name: 'Mine', type: 'ntfy', config: { topic: 'mine' } }],
    ['test_notification_channel', { channel_id: id }],
    ['delete_notification_channel', { channel_id: id }],
  ] as const) {
    const r = await tool(aliceMcp, name, args);
    expect(r.isError).toBe(true);
    expect(r.error?.code ?? r.text).toMatch(/forbidden/);
  }
  // Nothing was created, tested or deleted by the refused calls.
  expect((await http('GET', '/api/alerts/channels', t.tokens.admin)).body.channels).toHaveLength(1);
  expect((await http('GET', `/api/alerts/channels/${id}/deliveries`, t.tokens.admin)).body.deliveries).toEqual([]);
  // Unknown ids are 404 for admins, bad input a 400 naming the field.
  expect((await http('POST', '/api/alerts/channels/no-such-channel/test', t.tokens.admin)).status).toBe(404);
  const bad = await http('POST', '/api/alerts/channels', t.tokens.admin, { name: 'Bad', type: 'gotify', config: { serverUrl: echo.url } });
  expect(bad.status).toBe(400);
  expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'config.appToken' });
  expect((await http('POST', '/api/alerts/channels', t.tokens.admin, { name: 'Bad', type: 'pager', config: {} })).body.error.field).toBe('type');
  expect((await http('POST', '/api/alerts/channels', t.tokens.admin, { name: 'Admin\'s NTFY', type: 'ntfy', config: { topic: 'x' } })).status).toBe(409);
  const mcpBad = await tool(adminMcp, 'create_notification_channel', { name: 'Bad', type: 'email', config: { host: 'smtp.example.com', from: 'a@example.com', to: ['nope'] } });
  expect(mcpBad).toMatchObject({ isError: true, error: { code: 'validation_failed', field: 'config.to.0' } });
});

test('every channel type with secrets, created, tested against refusing receivers, listed, deleted: no secret anywhere', async () => {
  const configs: Array<[string, string, Record<string, unknown>]> = [
    ['Hook', 'webhook', { url: `http://hookuser:${SECRETS.webhookBasicPassword}@127.0.0.1:${new URL(echo.url).port}/in?token=${SECRETS.webhookQueryToken}`, secret: SECRETS.webhookSecret }],
    ['Generated', 'webhook', { url: `${echo.url}/generated` }],
    ['Gotify', 'gotify', { serverUrl: echo.url, appToken: SECRETS.gotifyToken }],
    ['Discord', 'discord', { webhookUrl: `${echo.url}/api/webhooks/99887766/${SECRETS.discordToken}` }],
    ['Slack', 'slack', { webhookUrl: `${echo.url}/services/T1/B1/${SECRETS.slackPart}` }],
    ['Mail', 'email', { host: '127.0.0.1', port: smtp.port, from: 'tomo@example.com', to: ['me@example.com'], username: 'mailer', password: SECRETS.smtpPassword, caCertificate: smtp.certificate }],
  ];
  const ids: string[] = [];
  for (const [name, type, config] of configs) {
    const res = await http('POST', '/api/alerts/channels', t.tokens.admin, { name, type, config });
    expect(res.status).toBe(201);
    ids.push(res.body.channel.id);
    if (res.body.signingSecret) {
      // The one answer allowed to carry a secret: the generated signing secret, shown once.
      answers[answers.length - 1].allowed = 'generated signing secret';
      (SECRETS as Record<string, string>).generatedSecret = res.body.signingSecret;
    }
  }
  expect(SECRETS).toHaveProperty('generatedSecret');
  const hook = (await http('GET', '/api/alerts/channels', t.tokens.admin)).body.channels.find((c: { name: string }) => c.name === 'Hook');
  expect(hook).toMatchObject({ settings: { endpoint: `http://127.0.0.1:${new URL(echo.url).port}/…` }, secretFields: ['url', 'secret'] });
  const discord = (await http('GET', '/api/alerts/channels', t.tokens.alice)).body.channels.find((c: { name: string }) => c.name === 'Discord');
  expect(discord.settings).toEqual({ endpoint: `${echo.url}/…` });

  // Through MCP too: an ntfy channel with a token, tested, then deleted.
  const viaMcp = await tool(adminMcp, 'create_notification_channel', { name: 'MCP ntfy', type: 'ntfy', config: { serverUrl: echo.url, topic: 'agents', token: SECRETS.mcpNtfyToken } });
  expect(viaMcp.isError).toBe(false);
  ids.push(viaMcp.structured.channel.id);
  expect((await tool(adminMcp, 'test_notification_channel', { channel_id: viaMcp.structured.channel.id })).structured.channel.id).toBe(viaMcp.structured.channel.id);

  // Every channel tested: the receivers refuse (echoing the secret back), the SMTP login fails.
  for (const id of ids.slice(0, -1)) expect((await http('POST', `/api/alerts/channels/${id}/test`, t.tokens.admin)).status).toBe(202);
  for (const id of ids) {
    await waitUntil(`channel ${id} given up`, async () => ((await t.request('GET', `/api/alerts/channels/${id}/deliveries`, { token: t.tokens.admin })).body.deliveries as Array<{ outcome: string }>).some((d) => d.outcome === 'failed') || undefined, 20_000);
    const res = await http('GET', `/api/alerts/channels/${id}/deliveries`, t.tokens.admin);
    expect(res.body.deliveries.map((d: { outcome: string }) => d.outcome)).toEqual(['failed', 'retrying']);
  }
  // The receivers did get the secrets (so the sweep below looks for strings that really went out).
  const seenByEcho = echo.requests.map((r) => `${r.url} ${JSON.stringify(r.headers)}`).join('\n');
  for (const s of [SECRETS.gotifyToken, SECRETS.discordToken, SECRETS.slackPart, SECRETS.webhookQueryToken, SECRETS.mcpNtfyToken]) expect(seenByEcho).toContain(s);
  expect(smtp.logins).toEqual(expect.arrayContaining([{ user: 'mailer', ok: false }]));
  const channels = await http('GET', '/api/alerts/channels', t.tokens.admin);
  expect(channels.body.channels.filter((c: { health: string }) => c.health === 'failing')).toHaveLength(ids.length + 1 /* the first test's */ - 1);
  await tool(adminMcp, 'list_notification_channels', {});
  await tool(aliceMcp, 'list_notification_channels', {});
  expect((await tool(adminMcp, 'delete_notification_channel', { channel_id: ids.at(-1) })).structured).toEqual({ deleted: true, channelId: ids.at(-1) });
  expect((await http('DELETE', `/api/alerts/channels/${ids[0]}`, t.tokens.admin)).status).toBe(204);

  // Activity: create, test and delete are recorded, by whom and through which door.
  const activity = await http('GET', '/api/activity?action=alert_channel&pageSize=200', t.tokens.admin);
  const entries = activity.body.entries as Array<{ action: string; targetName: string; door: string; username: string }>;
  expect(entries.filter((e) => e.action === 'alert_channel.create').length).toBeGreaterThanOrEqual(8);
  expect(entries).toEqual(expect.arrayContaining([
    expect.objectContaining({ action: 'alert_channel.delete', targetName: 'Hook', door: 'api', username: 'admin' }),
    expect.objectContaining({ action: 'alert_channel.delete', targetName: 'MCP ntfy', door: 'mcp' }),
    expect.objectContaining({ action: 'alert_channel.test', targetName: 'Gotify', door: 'api' }),
  ]));

  // --- The sweep.
  const needles = Object.entries(SECRETS);
  const hits: string[] = [];
  for (const a of answers) for (const [name, value] of needles) if (a.allowed !== 'generated signing secret' || name !== 'generatedSecret') if (a.text.includes(value)) hits.push(`${name} in ${a.where}`);
  const logs = t.logs().join('\n');
  for (const [name, value] of needles) if (logs.includes(value)) hits.push(`${name} in the log`);
  const ds = t.kernel.dataSource;
  const tables = { activity: await runSql(ds, 'SELECT * FROM activity_log'), attempts: await runSql(ds, 'SELECT * FROM alert_delivery_attempts'), channels: await runSql(ds, 'SELECT * FROM alert_channels') };
  for (const [table, rows] of Object.entries(tables)) for (const [name, value] of needles) if (JSON.stringify(rows).includes(value)) hits.push(`${name} in ${table}`);
  // On SQLite, the file itself too (every table, free pages, the WAL); PostgreSQL's files are the server's, its rows are checked above.
  if (!isPostgres(ds)) {
    await ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const dbFile = path.join(t.dataDir, 'tomo.db');
    const stored = [dbFile, `${dbFile}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('\n');
    for (const [name, value] of needles) if (stored.includes(value)) hits.push(`${name} in the database file`);
  }
  expect(hits).toEqual([]);
  // The sweep looked at real material: errors were recorded (scrubbed), entries and logs exist.
  // 7 channels tested twice each (an attempt and its retry), less the 2 deleted with their attempts.
  expect(tables.attempts.length).toBe(10);
  expect(JSON.stringify(tables.attempts)).toContain('[secret]');
  expect(tables.activity.length).toBeGreaterThanOrEqual(10);
  expect(logs.length).toBeGreaterThan(10_000);
  expect(answers.length).toBeGreaterThan(40);
});
