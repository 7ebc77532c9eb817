import { AppError } from '@tomo/kernel';
import { parseChannelConfig } from './channel-registry';
import { scrub, secretNeedles, splitConfig } from './channel-sealing';
import { endpointOf } from './config-fields';
import type { ChannelType } from './channel-definition';

function refusal(type: ChannelType, config: unknown): { field?: string; message: string; status: number } {
  try {
    parseChannelConfig(type, config);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    return { field: e.field, message: e.message, status: e.status };
  }
  throw new Error('accepted');
}

test('each type accepts its documented config, with defaults filled in', () => {
  expect(parseChannelConfig('webhook', { url: 'https://hooks.example.com/x' })).toEqual({ url: 'https://hooks.example.com/x' });
  expect(parseChannelConfig('ntfy', { topic: 'tomo-alerts' })).toEqual({ serverUrl: 'https://ntfy.sh', topic: 'tomo-alerts' });
  expect(parseChannelConfig('gotify', { serverUrl: 'http://gotify.lan', appToken: 'AbC.123' })).toEqual({ serverUrl: 'http://gotify.lan', appToken: 'AbC.123' });
  expect(parseChannelConfig('discord', { webhookUrl: 'https://discord.com/api/webhooks/1/tok' })).toMatchObject({ webhookUrl: expect.any(String) });
  expect(parseChannelConfig('slack', { webhookUrl: 'https://hooks.slack.com/services/T/B/x' })).toMatchObject({ webhookUrl: expect.any(String) });
  expect(parseChannelConfig('email', { host: 'smtp.example.com', from: 'tomo@example.com', to: ['me@example.com'] })).toEqual({
    host: 'smtp.example.com', port: 587, security: 'starttls', from: 'tomo@example.com', to: ['me@example.com'],
  });
});

test('bad config is a 400 naming the field and the rule, never echoing the value', () => {
  expect(refusal('webhook', { url: 'ftp://x.example.com/a-secret-path' })).toEqual({ status: 400, field: 'config.url', message: 'config.url: must be an http:// or https:// URL' });
  expect(refusal('webhook', { url: 'https://x.example.com', secret: 'short' })).toMatchObject({ field: 'config.secret', message: expect.stringContaining('at least 16') });
  expect(refusal('ntfy', { topic: 'has space' })).toMatchObject({ field: 'config.topic' });
  expect(refusal('ntfy', { topic: 't', serverUrl: 'https://user:pw-secret@ntfy.example.com' })).toMatchObject({ field: 'config.serverUrl', message: expect.stringContaining('user:password@') });
  expect(refusal('gotify', { serverUrl: 'http://gotify.lan' })).toEqual({ status: 400, field: 'config.appToken', message: 'config.appToken: is required' });
  expect(refusal('gotify', { serverUrl: 'http://gotify.lan', appToken: 'a\r\nX-Injected: 1' })).toMatchObject({ field: 'config.appToken', message: expect.stringContaining('one line') });
  expect(refusal('discord', { webhookUrl: 'https://discord.com/api/webhooks/1/t', color: 3 })).toMatchObject({ field: 'config.color', message: expect.stringContaining('unknown field') });
  expect(refusal('email', { host: 'smtp.example.com', from: 'not-an-address', to: ['me@example.com'] })).toMatchObject({ field: 'config.from' });
  expect(refusal('email', { host: 'smtp.example.com', from: 'a@example.com', to: [] })).toMatchObject({ field: 'config.to', message: expect.stringContaining('at least one') });
  expect(refusal('email', { host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'], password: 'pw-secret-1' })).toMatchObject({ field: 'config.username' });
  expect(refusal('email', { host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'], security: 'none' })).toMatchObject({ field: 'config.security' });
  expect(refusal('email', { host: 'smtp host; rm', from: 'a@example.com', to: ['b@example.com'] })).toMatchObject({ field: 'config.host' });
  for (const r of [refusal('webhook', { url: 'ftp://x.example.com/a-secret-path' }), refusal('ntfy', { topic: 't', serverUrl: 'https://user:pw-secret@ntfy.example.com' })]) {
    expect(r.message).not.toMatch(/a-secret-path|pw-secret/);
  }
});

test('secret fields are split from the settings; views show a secret URL by its origin only', () => {
  expect(splitConfig({ serverUrl: 'https://ntfy.sh', topic: 't', token: 'tk_abc' }, ['token'])).toEqual({ settings: { serverUrl: 'https://ntfy.sh', topic: 't' }, secrets: { token: 'tk_abc' } });
  expect(endpointOf('https://discord.com/api/webhooks/123/tok-secret')).toBe('https://discord.com/…');
  expect(endpointOf('https://user:pw@hooks.example.com:8443/')).toBe('https://hooks.example.com:8443');
  expect(endpointOf('https://hooks.example.com/?token=x')).toBe('https://hooks.example.com/…');
});

test('errors are scrubbed of every secret and of the pieces of a secret URL', () => {
  const needles = secretNeedles({ webhookUrl: 'https://user:hunter2pass@discord.com/api/webhooks/123456789/Tok3n-Secret-Part?key=QueryS3cretValue', token: 'tk_abcdef' });
  const text = 'HTTP 404: unknown webhook Tok3n-Secret-Part for 123456789 (hunter2pass, QueryS3cretValue) tk_abcdef /api/webhooks/123456789/Tok3n-Secret-Part';
  const clean = scrub(text, needles);
  for (const s of ['Tok3n-Secret-Part', 'hunter2pass', 'QueryS3cretValue', 'tk_abcdef', '123456789']) expect(clean).not.toContain(s);
  expect(clean).toContain('HTTP 404: unknown webhook [secret]');
  // Short, common path words are kept (they are not secrets and keep the text readable).
  expect(scrub('the api answered', needles)).toBe('the api answered');
});
