import { DeliveryFailure, type AttemptContext, type AttemptOutcome } from './channel-definition';

/** How much of a refusing receiver's answer is kept in the attempt's error (it is scrubbed of secrets before it is stored). */
const ANSWER_SNIPPET = 200;

/**
 * POSTs JSON to a receiver and resolves when it answers 2xx. Credentials in the URL's userinfo
 * become a Basic Authorization header (fetch refuses them in the URL). Redirects are not
 * followed: a receiver that moved must be configured anew, and following one would send the
 * body (and headers) to wherever it points. Anything else throws a {@link DeliveryFailure}
 * whose message names the cause (status and the start of the answer, or the network error).
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, context: AttemptContext): Promise<AttemptOutcome> {
  const target = new URL(url);
  const auth: Record<string, string> = {};
  if (target.username || target.password) {
    auth.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  let res: Response;
  try {
    res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': context.userAgent, ...auth, ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(context.timeoutMs),
    });
  } catch (err) {
    throw new DeliveryFailure(networkError(err, context.timeoutMs));
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return { responseCode: res.status };
  if (res.status >= 300 && res.status < 400) throw new DeliveryFailure(`HTTP ${res.status}: the receiver redirects; redirects are not followed (configure the final address)`, res.status);
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, ANSWER_SNIPPET);
  throw new DeliveryFailure(`HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`, res.status);
}

/** A readable cause for a request that got no answer: a timeout, or the system error (ECONNREFUSED…) without the URL. */
function networkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `No answer within ${Math.round(timeoutMs / 100) / 10} s`;
  const cause = e.cause;
  if (cause?.code) return `Could not reach the receiver (${cause.code})`;
  return `Could not reach the receiver (${cause?.message ?? (err instanceof Error ? err.message : String(err))})`;
}
