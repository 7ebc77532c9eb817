import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The generic webhook's signature (docs/alerts-webhook.md): HMAC-SHA256 with the channel's
 * secret over `<timestamp>.<body>`, where the timestamp is the `X-Tomo-Timestamp` header (Unix
 * seconds) and the body the exact bytes received. Sent as `X-Tomo-Signature: sha256=<hex>`.
 * Binding the timestamp lets a receiver refuse a replayed delivery.
 */
export const SIGNATURE_HEADER = 'x-tomo-signature';
export const TIMESTAMP_HEADER = 'x-tomo-timestamp';

/** A receiver accepts timestamps at most this far from its own clock (seconds). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** `sha256=<hex>` for a body sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** A new signing secret: 32 random bytes, base64url (43 characters). */
export function newSigningSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What a receiver runs (and what the documentation shows): true when `signature` is the HMAC of
 * `<timestamp>.<body>` under `secret` and the timestamp is within `toleranceSeconds` of `now`.
 * Compares in constant time.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  /** The X-Tomo-Timestamp header as received. */
  timestamp: string | undefined;
  /** The X-Tomo-Signature header as received. */
  signature: string | undefined;
  /** The raw body, exactly as received (not re-serialised JSON). */
  body: string | Buffer;
  now?: Date;
  toleranceSeconds?: number;
}): boolean {
  const { secret, timestamp, signature, body } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
