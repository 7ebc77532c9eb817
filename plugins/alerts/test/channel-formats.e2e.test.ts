/**
 * Issue 18, acceptance 3: a firing and a resolved alert delivered to one channel of each type,
 * each to a real local receiver: the email arrives at a real SMTP server over STARTTLS (with a
 * login), and the webhook, ntfy, Gotify, Discord and Slack receivers accept only bodies of their
 * service's documented format (test/support/service-formats.ts) at the service's path, with its
 * credentials where they go. The webhook's signature is checked with the function the
 * documentation gives receivers (taken from docs/alerts-webhook.md and run as it is).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AlertNotification } from '../src/notification';
import { startChannelsKernel, waitUntil, type ChannelsKernel } from './support/channels-kernel';
import { HttpReceiver } from './support/http-receiver';
import { discordExecuteWebhook, gotifyMessage, ntfyPublishJson, refuseUnless, slackIncomingWebhook } from './support/service-formats';
import { SmtpReceiver } from './support/smtp-receiver';

jest.setTimeout(60_000);

const SMTP_LOGIN = { username: 'tomo-mailer', password: 'smtp-password-Qx7' };
const NTFY_TOKEN = 'tk_ntfytoken0123456789abcdef';
const GOTIFY_TOKEN = 'AgotifyAppToken.42';
const header = (h: Record<string, string | string[] | undefined>, name: string) => String(h[name] ?? '');

let t: ChannelsKernel;
let smtp: SmtpReceiver;
const receivers: Record<string, HttpReceiver> = {};

/** The receiver-side verification function exactly as docs/alerts-webhook.md prints it. */
function documentedVerifier(): (secret: string, headers: Record<string, unknown>, rawBody: Buffer) => boolean {
  const doc = fs.readFileSync(path.join(__dirname, '../../../docs/alerts-webhook.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code?.includes('function verifyTomoSignature')) throw new Error('docs/alerts-webhook.md has no verifyTomoSignature block');
  return new Function('require', `${code}\nreturn verifyTomoSignature;`)(require);
}

beforeAll(async () => {
  t = await startChannelsKernel();
  smtp = await SmtpReceiver.start(SMTP_LOGIN);
  receivers.webhook = await HttpReceiver.start();
  receivers.ntfy = await HttpReceiver.start(refuseUnless(ntfyPublishJson, (r) => (r.url !== '/' ? `publish as JSON goes to the root, not ${r.url}` : header(r.headers, 'authorization') !== `Bearer ${NTFY_TOKEN}` ? 'unauthorized' : null)));
  receivers.gotify = await HttpReceiver.start(refuseUnless(gotifyMessage, (r) => (r.url !== '/message' ? 'not found' : header(r.headers, 'x-gotify-key') !== GOTIFY_TOKEN ? 'you need to provide a valid access token' : null)));
  receivers.discord = await HttpReceiver.start(refuseUnless(discordExecuteWebhook, (r) => (r.url !== '/api/webhooks/1234567890/discord-webhook-token' ? 'Unknown Webhook' : null)));
  receivers.slack = await HttpReceiver.start(refuseUnless(slackIncomingWebhook, (r) => (r.url !== '/services/T0001/B0001/slackSecretPart' ? 'no_service' : null)));
  receivers.discord.answerWith(204);
});
afterAll(async () => {
  await t?.stop();
  await smtp?.stop();
  for (const r of Object.values(receivers)) await r.stop();
});

test('the documented formats are what the receivers enforce (a wrong body is refused)', () => {
  expect(ntfyPublishJson.safeParse({ message: 'no topic' }).success).toBe(false);
  expect(ntfyPublishJson.safeParse({ topic: 't', priority: 6 }).success).toBe(false);
  expect(gotifyMessage.safeParse({ title: 'no message' }).success).toBe(false);
  expect(discordExecuteWebhook.safeParse({ content: 'x'.repeat(2001) }).success).toBe(false);
  expect(discordExecuteWebhook.safeParse({ embeds: [{ fields: [{ name: 'a', value: '' }] }] }).success).toBe(false);
  expect(slackIncomingWebhook.safeParse({}).success).toBe(false);
  expect(slackIncomingWebhook.safeParse({ text: 'x', attachments: [{ color: 'red' }] }).success).toBe(false);
});

test('a firing and a resolved alert reach every channel type in its service\'s format; email over STARTTLS', async () => {
  const create = async (name: string, type: string, config: Record<string, unknown>) => {
    const res = await t.request('POST', '/api/alerts/channels', { token: t.tokens.admin, body: { name, type, config } });
    expect(res.status).toBe(201);
    return res.body as { channel: { id: string; type: string }; signingSecret?: string };
  };
  const webhook = await create('Webhook', 'webhook', { url: `${receivers.webhook.url}/hooks/tomo` });
  expect(webhook.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const channels = [
    webhook,
    await create('Phone', 'ntfy', { serverUrl: receivers.ntfy.url, topic: 'tomo-alerts', token: NTFY_TOKEN }),
    await create('Gotify', 'gotify', { serverUrl: `${receivers.gotify.url}/`, appToken: GOTIFY_TOKEN }),
    await create('Discord', 'discord', { webhookUrl: `${receivers.discord.url}/api/webhooks/1234567890/discord-webhook-token`, username: 'Tomo' }),
    await create('Slack', 'slack', { webhookUrl: `${receivers.slack.url}/services/T0001/B0001/slackSecretPart` }),
    await create('Mail', 'email', { host: '127.0.0.1', port: smtp.port, from: 'tomo@example.com', to: ['owner@example.com', 'ops@example.com'], ...SMTP_LOGIN, caCertificate: smtp.certificate }),
  ];
  const firing: AlertNotification = {
    status: 'firing', alertId: 'alert-1', ruleId: 'rule-1', ruleName: 'Disk almost full', severity: 'critical', serverId: 'srv-1', serverName: 'nas <@everyone>',
    subject: 'Disk / at 93 % on nas (over 90 % for 10 min)', summary: 'The root file system of nas has been over 90 % full for 10 minutes.',
    value: 93, threshold: 90, startedAt: '2026-12-07T03:10:00.000Z', resolvedAt: null,
  };
  const resolved: AlertNotification = { ...firing, status: 'resolved', subject: 'Disk / back to 71 % on nas', value: 71, resolvedAt: '2026-12-07T03:30:00.000Z' };
  t.sender().send(firing, channels.map((c) => c.channel.id));
  t.sender().send(resolved, channels.map((c) => c.channel.id));

  // Every channel: two attempts, both sent at the first try (a receiver refusing the format would show as retrying/failed).
  for (const c of channels) {
    const deliveries = await waitUntil(`deliveries of ${c.channel.type}`, async () => {
      const list = (await t.request('GET', `/api/alerts/channels/${c.channel.id}/deliveries`, { token: t.tokens.admin })).body.deliveries as Array<Record<string, unknown>>;
      return list.length >= 2 ? list : undefined;
    }, 20_000);
    expect(deliveries.map((d) => [d.status, d.attempt, d.outcome, d.error])).toEqual([['resolved', 1, 'sent', null], ['firing', 1, 'sent', null]]);
    expect(deliveries[0].responseCode).toBe(c.channel.type === 'email' ? 250 : c.channel.type === 'discord' ? 204 : 200);
    expect(deliveries[0].alertId).toBe('alert-1');
  }
  const list = (await t.request('GET', '/api/alerts/channels', { token: t.tokens.admin })).body.channels as Array<{ health: string; lastDeliveryAt: string | null }>;
  expect(list.map((c) => c.health)).toEqual(Array(6).fill('ok'));

  // Webhook: Tomo's JSON, signed; the documented verifier accepts it and refuses a tampered copy.
  const verify = documentedVerifier();
  const [w1, w2] = receivers.webhook.requests;
  expect(w1.url).toBe('/hooks/tomo');
  expect(verify(webhook.signingSecret!, w1.headers, w1.raw)).toBe(true);
  expect(verify(webhook.signingSecret!, w2.headers, w2.raw)).toBe(true);
  expect(verify(webhook.signingSecret!, w1.headers, Buffer.from(w1.raw.toString().replace('93', '94')))).toBe(false);
  expect(verify(`${webhook.signingSecret!}x`, w1.headers, w1.raw)).toBe(false);
  expect(w1.headers['x-tomo-event']).toBe('alert.firing');
  expect(w1.headers['user-agent']).toMatch(/^Tomo\//);
  expect(w1.json).toEqual({ version: 1, event: 'alert.firing', deliveryId: w1.headers['x-tomo-delivery'], attempt: 1, sentAt: expect.any(String), alert: { ...firing, id: 'alert-1', alertId: undefined } });
  expect((w2.json as { alert: { status: string; resolvedAt: string } }).alert).toMatchObject({ status: 'resolved', resolvedAt: resolved.resolvedAt });

  // ntfy: JSON publish to the root with the topic, a title, priority by severity and emoji tags.
  expect(receivers.ntfy.requests.map((r) => r.json)).toEqual([
    { topic: 'tomo-alerts', title: `[FIRING] ${firing.subject}`, message: expect.stringContaining(firing.summary), priority: 5, tags: ['rotating_light'] },
    { topic: 'tomo-alerts', title: `[RESOLVED] ${resolved.subject}`, message: expect.stringContaining('Resolved: 2026-12-07T03:30:00.000Z'), priority: 3, tags: ['white_check_mark'] },
  ]);
  // Gotify: POST /message with the app token in X-Gotify-Key.
  expect(receivers.gotify.requests.map((r) => (r.json as { priority: number }).priority)).toEqual([8, 2]);
  expect((receivers.gotify.requests[0].json as { title: string }).title).toBe(`[FIRING] ${firing.subject}`);
  // Discord: content and one embed (colour by state), mentions disabled (the server's name holds "@everyone").
  const d1 = receivers.discord.requests[0].json as { username: string; content: string; embeds: Array<{ title: string; color: number; fields: Array<{ name: string; value: string }> }>; allowed_mentions: unknown };
  expect(d1).toMatchObject({ username: 'Tomo', content: `[FIRING] ${firing.subject}`, allowed_mentions: { parse: [] } });
  expect(d1.embeds[0]).toMatchObject({ title: firing.subject, color: 0xc62828 });
  expect(d1.embeds[0].fields).toEqual(expect.arrayContaining([{ name: 'Server', value: 'nas <@everyone>', inline: true }, { name: 'Value', value: '93', inline: true }]));
  expect((receivers.discord.requests[1].json as { embeds: Array<{ color: number }> }).embeds[0].color).toBe(0x2e7d32);
  // Slack: text plus a coloured attachment, mrkdwn control characters escaped.
  const s1 = receivers.slack.requests[0].json as { text: string; attachments: Array<{ color: string; fields: Array<{ title: string; value: string }> }> };
  expect(s1.text).toBe(`[FIRING] ${firing.subject}`);
  expect(s1.attachments[0].color).toBe('#c62828');
  expect(s1.attachments[0].fields).toEqual(expect.arrayContaining([{ title: 'Server', value: 'nas &lt;@everyone&gt;', short: true }]));

  // Email: both arrived over STARTTLS, after logging in, to both recipients.
  await smtp.waitFor(2);
  expect(smtp.messages.map((m) => [m.subject, m.secure, m.user, m.from, m.to])).toEqual([
    [`[FIRING] ${firing.subject}`, true, SMTP_LOGIN.username, 'tomo@example.com', ['owner@example.com', 'ops@example.com']],
    [`[RESOLVED] ${resolved.subject}`, true, SMTP_LOGIN.username, 'tomo@example.com', ['owner@example.com', 'ops@example.com']],
  ]);
  expect(smtp.messages[0].tlsProtocol).toMatch(/^TLSv1\.[23]$/);
  expect(smtp.messages[0].text).toContain(firing.summary);
  expect(smtp.messages[0].text).toContain('Server: nas <@everyone>');
  expect(smtp.messages[0].headers.get('x-tomo-alert')).toBe('alert-1');
});

test('email refuses a relay whose certificate it cannot verify, and a wrong password: recorded, retried, then failed', async () => {
  const untrusted = await t.request('POST', '/api/alerts/channels', {
    token: t.tokens.admin,
    body: { name: 'Mail, untrusted certificate', type: 'email', config: { host: '127.0.0.1', port: smtp.port, from: 'tomo@example.com', to: ['owner@example.com'], ...SMTP_LOGIN } },
  });
  const wrongPassword = await t.request('POST', '/api/alerts/channels', {
    token: t.tokens.admin,
    body: { name: 'Mail, wrong password', type: 'email', config: { host: '127.0.0.1', port: smtp.port, from: 'tomo@example.com', to: ['owner@example.com'], username: SMTP_LOGIN.username, password: 'not-the-password-9', caCertificate: smtp.certificate } },
  });
  const before = smtp.messages.length;
  for (const c of [untrusted, wrongPassword]) expect((await t.request('POST', `/api/alerts/channels/${c.body.channel.id}/test`, { token: t.tokens.admin })).status).toBe(202);
  for (const c of [untrusted, wrongPassword]) {
    const deliveries = await waitUntil('three failed attempts', async () => {
      const list = (await t.request('GET', `/api/alerts/channels/${c.body.channel.id}/deliveries`, { token: t.tokens.admin })).body.deliveries as Array<{ outcome: string; error: string; responseCode: number | null }>;
      return list.length >= 3 ? list : undefined;
    }, 20_000);
    expect(deliveries.map((d) => d.outcome)).toEqual(['failed', 'retrying', 'retrying']);
    if (c === untrusted) expect(deliveries[0].error).toMatch(/certificate/i);
    else expect(deliveries[0]).toMatchObject({ responseCode: 535, error: expect.stringContaining('EAUTH') });
    expect(deliveries[0].error).not.toContain('not-the-password-9');
  }
  expect(smtp.messages.length).toBe(before);
  expect(smtp.logins.filter((l) => !l.ok).length).toBeGreaterThanOrEqual(3);
});
