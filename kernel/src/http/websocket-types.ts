import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { Access } from '../access/principal';
import type { CallFor } from './route-types';

/** What a WebSocket route does with its socket once the upgrade succeeded. */
export type WebSocketSession = (socket: WebSocket) => void;

/** A WebSocket route with one access level; {@link WebSocketRouteDefinition} is the union over the levels. */
export interface WebSocketRouteDefinitionFor<A extends Access, Q = unknown, P = unknown> {
  /** Starts with `/api/`; parameters as `:name`. Always a GET (the upgrade request); unique among all routes. */
  path: string;
  /** One line for the OpenAPI document and the API reference. */
  summary: string;
  /** Longer text: the frames the socket carries. */
  description?: string;
  /** OpenAPI tag; defaults to the plugin id. */
  tag?: string;
  /**
   * Who may connect. A WebSocket carries no console header, so the session cookie counts only when
   * the request's `Origin` is Tomo's own (`server.publicUrl`, else the Host header's); a bearer
   * credential needs no Origin. Refusals are HTTP answers sent before the upgrade.
   */
  access: A;
  /** Schema of the query string (values arrive as strings). */
  query?: z.ZodType<Q>;
  /** Schema of the path parameters. */
  params?: z.ZodType<P>;
  /**
   * Runs before the upgrade with the input validated and the caller authorised: check what the
   * socket is for and throw an {@link AppError} to refuse (an HTTP answer, no upgrade). Returns
   * what takes the socket after the upgrade. A plain GET without an upgrade runs the same checks
   * and is answered 426.
   */
  handler: (input: { query: Q; params: P }, call: CallFor<A>) => Promise<WebSocketSession> | WebSocketSession;
}

/** A WebSocket route (`ctx.http.websocket`): authenticated like every route, then upgraded. */
export type WebSocketRouteDefinition<Q = unknown, P = unknown> =
  | WebSocketRouteDefinitionFor<'public', Q, P>
  | WebSocketRouteDefinitionFor<'authenticated', Q, P>
  | WebSocketRouteDefinitionFor<'admin', Q, P>;
