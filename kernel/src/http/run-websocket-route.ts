import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import type { ZodType } from 'zod';
import { invokeHandler } from '../access/invoke-handler';
import type { CallContext } from '../access/call-context';
import { AppError } from '../errors';
import type { HookRegistry } from '../hooks/hook-set';
import { authorize } from './authenticate';
import { callFromKoa } from './call-from-koa';
import type { RouteEntry } from './route-registry';
import { strictIfObject } from './run-route';
import { webSocketCredential } from './websocket-credentials';
import type { WebSocketSession } from './websocket-types';
import { zodErrorToAppError } from './zod-error';

/** What the server's `upgrade` event hands over with the request: the raw socket and its first bytes. */
export interface PendingUpgrade {
  socket: Duplex;
  head: Buffer;
}

const UPGRADE = Symbol('tomo.pendingUpgrade');

/** Marks a request as an upgrade, so its WebSocket route upgrades instead of answering 426. */
export function markUpgrade(req: IncomingMessage, pending: PendingUpgrade): void {
  (req as IncomingMessage & { [UPGRADE]?: PendingUpgrade })[UPGRADE] = pending;
}

function pendingUpgrade(req: IncomingMessage): PendingUpgrade | undefined {
  return (req as IncomingMessage & { [UPGRADE]?: PendingUpgrade })[UPGRADE];
}

type WebSocketEntry = Extract<RouteEntry, { websocket: true }>;

/**
 * Runs a WebSocket route inside the Koa app, so it passes the same middleware as every route
 * (request id, access log, errors as JSON): authenticate (cookie by Origin, or bearer), authorise,
 * validate params and query, let the handler check; then upgrade. Every refusal is an ordinary
 * HTTP answer written before the upgrade.
 */
export async function runWebSocketRoute(
  ctx: Context,
  entry: WebSocketEntry,
  deps: { hooks: HookRegistry; log: Logger; wss: () => WebSocketServer; publicUrl: string | undefined },
): Promise<void> {
  const def = entry.definition;
  const { credential, fromConsole } = webSocketCredential(ctx, deps.publicUrl);
  const principal = await authorize(deps.hooks, def.access, credential, 'http', ctx.ip);
  const call = { ...callFromKoa(ctx, principal, deps.log), fromConsole: fromConsole && principal !== undefined };
  const parse = <T>(schema: ZodType<T> | undefined, value: unknown, where: 'query' | 'params'): T => {
    if (!schema) return undefined as T;
    const result = strictIfObject(schema).safeParse(value);
    if (!result.success) throw zodErrorToAppError(result.error, where);
    return result.data;
  };
  const params = parse(def.params, { ...ctx.params }, 'params');
  const query = parse(def.query, { ...ctx.query }, 'query');
  // The union over access levels collapses to one handler signature: invokeHandler re-checks that a
  // non-public route's call has its principal.
  const run = invokeHandler as (d: unknown, input: { query: unknown; params: unknown }, c: CallContext) => Promise<WebSocketSession> | WebSocketSession;
  const session = await run(def, { query, params }, call);
  const pending = pendingUpgrade(ctx.req);
  if (!pending || ctx.get('upgrade').toLowerCase() !== 'websocket') {
    throw new AppError(426, 'upgrade_required', `${def.path} is a WebSocket: connect with an Upgrade: websocket request`);
  }
  ctx.respond = false;
  ctx.status = 101;
  deps.wss().handleUpgrade(ctx.req, pending.socket, pending.head, (socket) => {
    try {
      session(socket);
    } catch (err) {
      deps.log.error({ err, path: def.path }, 'WebSocket session failed to start');
      socket.close(1011, 'internal error');
    }
  });
}
