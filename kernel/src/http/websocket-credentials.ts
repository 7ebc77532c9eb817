import type { Context } from 'koa';
import { forbidden } from '../errors';
import { SESSION_COOKIE } from './credentials';

/** The credential of a WebSocket upgrade request, and whether it came as the console's cookie. */
export interface WebSocketCredential {
  credential: string | undefined;
  fromConsole: boolean;
}

/** Tomo's own origin as the browser sees it: `server.publicUrl`, else the request's scheme and Host header. */
export function ownOrigin(ctx: Context, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  return `${ctx.protocol}://${ctx.host}`;
}

/**
 * The credential of an upgrade request. A browser cannot put the console's CSRF header on a
 * WebSocket, but it always sends `Origin`: the session cookie counts when that origin is Tomo's
 * own, and a cookie sent from another origin is refused (403) instead of being ignored, so a
 * cross-site page learns nothing by trying. `Authorization: Bearer` needs no Origin (not a
 * browser's ambient credential). A cookie with no Origin at all is not a browser's: ignored (401).
 */
export function webSocketCredential(ctx: Context, publicUrl: string | undefined): WebSocketCredential {
  const header = ctx.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return { credential: match ? match[1] : undefined, fromConsole: false };
  }
  const cookie = ctx.cookies.get(SESSION_COOKIE);
  const origin = ctx.get('origin');
  if (!cookie || !origin) return { credential: undefined, fromConsole: false };
  if (origin !== ownOrigin(ctx, publicUrl)) throw forbidden('Cross-origin WebSocket refused: the Origin is not this Tomo');
  return { credential: cookie, fromConsole: true };
}
