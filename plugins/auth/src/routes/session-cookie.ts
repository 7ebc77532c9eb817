import { SESSION_COOKIE, type CallContext } from '@tomo/kernel';

/** Sets (or, with null, clears) the console's HttpOnly session cookie. */
export function setSessionCookie(call: CallContext, token: string | null, ttlMs: number): void {
  call.cookies?.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', maxAgeMs: ttlMs });
}
