import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { CallContext } from '../access/call-context';
import type { Principal } from '../access/principal';
import { CONSOLE_HEADER, CONSOLE_HEADER_VALUE } from './credentials';

/** Builds the transport-neutral call context for an HTTP request. */
export function callFromKoa(ctx: Context, principal: Principal | undefined, log: Logger): CallContext {
  return {
    principal,
    transport: 'http',
    clientIp: ctx.ip,
    fromConsole: ctx.get(CONSOLE_HEADER) === CONSOLE_HEADER_VALUE && !ctx.get('authorization'),
    requestId: String(ctx.state.requestId),
    log,
    cookies: {
      get: (name) => ctx.cookies.get(name),
      set: (name, value, options = {}) => {
        ctx.cookies.set(name, value, {
          httpOnly: options.httpOnly ?? true,
          sameSite: options.sameSite ?? 'strict',
          maxAge: value === null ? 0 : options.maxAgeMs,
          secure: ctx.secure,
          path: '/',
          overwrite: true,
        });
      },
    },
  };
}
