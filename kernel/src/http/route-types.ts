import type { Context } from 'koa';
import type { z } from 'zod';
import type { Access } from '../access/principal';
import type { CallContext } from '../access/call-context';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Parsed, validated input of a route. */
export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
}

/**
 * A JSON route. Input is parsed by the zod schemas (object bodies are made strict, so unknown
 * fields are rejected); the result is sent as JSON with `successStatus` (200, or 204 when the
 * handler returns undefined). Schemas also feed the OpenAPI document.
 */
export interface RouteDefinition<B = unknown, Q = unknown, P = unknown, R = unknown> {
  method: HttpMethod;
  /** Starts with `/api/`; parameters as `:name`. */
  path: string;
  summary: string;
  description?: string;
  /** OpenAPI tag; defaults to the plugin id. */
  tag?: string;
  access: Access;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Documents the success body in OpenAPI (not enforced at run time). */
  response?: z.ZodType<R>;
  successStatus?: number;
  handler(input: RouteInput<B, Q, P>, call: CallContext): Promise<R> | R;
}

/** A route that writes the response itself (streams, downloads). Access is still enforced. */
export interface RawRouteDefinition {
  method: HttpMethod;
  path: string;
  summary: string;
  access: Access;
  tag?: string;
  handler(ctx: Context, call: CallContext): Promise<void> | void;
}
