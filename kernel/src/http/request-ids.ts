import { randomUUID } from 'node:crypto';

/**
 * Request ids in UUID form, one per HTTP request: a random UUID (v4) made once per process whose
 * last 12 hex digits (48 bits, starting at a random value) count up.
 *
 * Why not `randomUUID()` per request: it was ~1% of an authenticated request's CPU (random bytes,
 * formatting; issue 19, bench/foundation.js). A request id only ties a request's log lines and
 * error answer together; it is no secret, so it needs to be unique, not unpredictable. It stays
 * a well-formed UUID (version and variant digits untouched), which logs and tests expect.
 */
export function requestIds(): () => string {
  const first = randomUUID();
  const prefix = first.slice(0, 24);
  let counter = Number.parseInt(first.slice(24), 16);
  const LIMIT = 2 ** 48;
  return () => {
    counter = counter + 1 === LIMIT ? 0 : counter + 1;
    return prefix + counter.toString(16).padStart(12, '0');
  };
}
