import { createHmac } from 'node:crypto';
import { newSigningSecret, signWebhook, verifyWebhookSignature } from './webhook-signature';

const secret = 'a-signing-secret-of-some-length';
const body = JSON.stringify({ version: 1, event: 'alert.firing', alert: { subject: 'Disk / at 93 % on nas' } });
const now = new Date('2026-12-07T03:00:00Z');
const ts = Math.floor(now.getTime() / 1000);

test('the signature is sha256=<hex HMAC-SHA256 of "timestamp.body">, as documented', () => {
  const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  expect(signWebhook(secret, ts, body)).toBe(`sha256=${expected}`);
  expect(signWebhook(secret, ts, Buffer.from(body))).toBe(`sha256=${expected}`);
});

test('a receiver accepts a genuine delivery', () => {
  expect(verifyWebhookSignature({ secret, timestamp: String(ts), signature: signWebhook(secret, ts, body), body, now })).toBe(true);
  // Within the tolerance either way.
  expect(verifyWebhookSignature({ secret, timestamp: String(ts - 299), signature: signWebhook(secret, ts - 299, body), body, now })).toBe(true);
});

test('a receiver refuses a changed body, another secret, a moved timestamp, a replay and malformed headers', () => {
  const signature = signWebhook(secret, ts, body);
  expect(verifyWebhookSignature({ secret, timestamp: String(ts), signature, body: body.replace('93', '94'), now })).toBe(false);
  expect(verifyWebhookSignature({ secret: `${secret}x`, timestamp: String(ts), signature, body, now })).toBe(false);
  // The timestamp is signed: changing it to look fresh breaks the signature.
  expect(verifyWebhookSignature({ secret, timestamp: String(ts + 1), signature, body, now })).toBe(false);
  // A genuine delivery replayed 6 minutes later is refused.
  expect(verifyWebhookSignature({ secret, timestamp: String(ts), signature, body, now: new Date(now.getTime() + 360_000) })).toBe(false);
  expect(verifyWebhookSignature({ secret, timestamp: undefined, signature, body, now })).toBe(false);
  expect(verifyWebhookSignature({ secret, timestamp: '12ab', signature, body, now })).toBe(false);
  expect(verifyWebhookSignature({ secret, timestamp: String(ts), signature: undefined, body, now })).toBe(false);
  expect(verifyWebhookSignature({ secret, timestamp: String(ts), signature: signature.slice(0, -2), body, now })).toBe(false);
  expect(verifyWebhookSignature({ secret, timestamp: String(ts), signature: signature.replace('sha256=', 'sha1='), body, now })).toBe(false);
});

test('generated secrets are 32 random bytes, base64url, each different', () => {
  const a = newSigningSecret();
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(newSigningSecret()).not.toBe(a);
});
