import { KernelTokens, runSql } from '@tomo/kernel';
import type { TestKernel } from '@tomo/kernel/testing';

/**
 * Moves the running kernel's clock (KernelTokens.Clock, which the auth plugin reads for session
 * expiry, idleness and its credential cache) without sleeping. The kernel registers a plain
 * `{ now }` object; replacing its `now` moves every reader of that object at once.
 */
export function movableClock(t: TestKernel): { advance(ms: number): void; set(offsetMs: number): void } {
  const clock = t.kernel.resolve(KernelTokens.Clock);
  let offset = 0;
  clock.now = () => new Date(Date.now() + offset);
  return {
    advance: (ms) => void (offset += ms),
    set: (ms) => void (offset = ms),
  };
}

export const MINUTE = 60000;

/** The session record id (`sid`) a login token names. */
export function sessionIdOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sid as string;
}

/** A session record as stored (only the fields that matter here): times are text on SQLite, Date on PostgreSQL. */
export async function sessionRecord(t: TestKernel, token: string): Promise<{ revokedAt: string | Date | null; lastSeenAt: string | Date | null }> {
  const [row] = await runSql<{ revokedAt: string | Date | null; lastSeenAt: string | Date | null }>(t.kernel.dataSource, 'SELECT "revokedAt", "lastSeenAt" FROM auth_sessions WHERE id = ?', [sessionIdOf(token)]);
  return row;
}

/** The status of `GET /api/auth/me` with a bearer token, or with the console's cookie and header. */
export async function meStatus(t: TestKernel, credential: { token?: string; cookie?: string }): Promise<number> {
  const headers: Record<string, string> = credential.cookie ? { cookie: credential.cookie, 'x-requested-with': 'tomo-console' } : {};
  return (await t.request('GET', '/api/auth/me', { token: credential.token, headers })).status;
}

/** Logs in and returns the bearer token and the console cookie of that session. */
export async function loginWithCookie(t: TestKernel, who: { username: string; password: string }): Promise<{ token: string; cookie: string }> {
  const res = await t.request('POST', '/api/auth/login', { body: { username: who.username, password: who.password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return { token: res.body.token as string, cookie };
}
