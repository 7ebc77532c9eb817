import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { CallContext } from '../access/call-context';
import type { Principal } from '../access/principal';
import { CONSOLE_HEADER, CONSOLE_HEADER_VALUE } from './credentials';

type CookieOptions = Parameters<NonNullable<CallContext['cookies']>['set']>[2];

/**
 * A call's cookies, over the request's Koa context. A class, so a request makes one small object
 * here instead of an object and two closures: every authenticated request builds a call context,
 * and few handlers touch cookies.
 */
class KoaCookies {
  constructor(private readonly ctx: Context) {}

  get(name: string): string | undefined {
    return this.ctx.cookies.get(name);
  }

  set(name: string, value: string | null, options: CookieOptions = {}): void {
    this.ctx.cookies.set(name, value, {
      httpOnly: options.httpOnly ?? true,
      sameSite: options.sameSite ?? 'strict',
      maxAge: value === null ? 0 : options.maxAgeMs,
      secure: this.ctx.secure,
      path: '/',
      overwrite: true,
    });
  }
}

/** Builds the transport-neutral call context for an HTTP request. */
export function callFromKoa(ctx: Context, principal: Principal | undefined, log: Logger): CallContext {
  return {
    principal,
    transport: 'http',
    clientIp: ctx.ip,
    fromConsole: ctx.get(CONSOLE_HEADER) === CONSOLE_HEADER_VALUE && !ctx.get('authorization'),
    requestId: String(ctx.state.requestId),
    log,
    cookies: new KoaCookies(ctx),
  };
}
