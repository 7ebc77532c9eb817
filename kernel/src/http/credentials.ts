import type { Context } from 'koa';

/** Name of the console's HttpOnly session cookie. */
export const SESSION_COOKIE = 'tomo_session';
/**
 * Header the console sends with every request. A cookie is accepted only alongside it: a
 * cross-site page cannot set it without a CORS preflight, which Tomo never allows (CSRF guard).
 */
export const CONSOLE_HEADER = 'x-requested-with';
/** The value {@link CONSOLE_HEADER} must have for the session cookie to count. */
export const CONSOLE_HEADER_VALUE = 'tomo-console';

/** The credential a request presents: `Authorization: Bearer`, or the console cookie with its header. */
export function credentialFromRequest(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? match[1] : undefined;
  }
  if (ctx.get(CONSOLE_HEADER) === CONSOLE_HEADER_VALUE) {
    return ctx.cookies.get(SESSION_COOKIE) || undefined;
  }
  return undefined;
}
