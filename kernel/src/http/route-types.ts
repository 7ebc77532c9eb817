import type { Context } from 'koa';
import type { z } from 'zod';
import type { Access } from '../access/principal';
import type { AuthenticatedCall, CallContext } from '../access/call-context';

/** The HTTP methods a route may use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Parsed, validated input of a route. */
export interface RouteInput<B, Q, P> {
  /** The JSON body as parsed by {@link RouteFields.body}; undefined when the route has no body schema. */
  body: B;
  /** The query string as parsed by {@link RouteFields.query}; undefined without a schema. */
  query: Q;
  /** The `:name` path parameters as parsed by {@link RouteFields.params}; undefined without a schema. */
  params: P;
}

/**
 * The call a handler receives for an access level: `public` handlers get a {@link CallContext}
 * whose principal may be missing; `authenticated` and `admin` handlers an {@link AuthenticatedCall},
 * because the kernel refused the call (401/403) before the handler ran otherwise.
 */
export type CallFor<A extends Access> = A extends 'public' ? CallContext : AuthenticatedCall;

/**
 * What a JSON route declares besides its access level and handler (see {@link RouteDefinition}).
 */
export interface RouteFields<B = unknown, Q = unknown, P = unknown, R = unknown> {
  /** The HTTP method. Method and path are unique across all plugins (`:id` and `:userId` count as the same). */
  method: HttpMethod;
  /** Starts with `/api/`; parameters as `:name`. */
  path: string;
  /** One line for the OpenAPI document and the API reference. */
  summary: string;
  /** Longer OpenAPI text: when to use it, what it does not do. */
  description?: string;
  /** OpenAPI tag; defaults to the plugin id. */
  tag?: string;
  /** Schema of the JSON body. With it, a non-JSON body is refused with 415 and an invalid one with 400. */
  body?: z.ZodType<B>;
  /** Schema of the query string (values arrive as strings: use `z.coerce` for numbers). */
  query?: z.ZodType<Q>;
  /** Schema of the path parameters (strings). */
  params?: z.ZodType<P>;
  /**
   * The success body, for the OpenAPI document. Required when the handler returns a body; without
   * it the route is documented as 204. Test kernels check every answer against it
   * (`KernelOptions.checkResponses`); production does not.
   */
  response?: z.ZodType<R>;
  /** Status of a successful response with a body; default 200 (use 201 for a creation). */
  successStatus?: number;
}

/** A JSON route with one access level; {@link RouteDefinition} is the union over the levels. */
export interface RouteDefinitionFor<A extends Access, B = unknown, Q = unknown, P = unknown, R = unknown> extends RouteFields<B, Q, P, R> {
  /**
   * Who may call it: `public` (anyone; a principal is still set when a valid credential is sent),
   * `authenticated` (401 without a valid credential), `admin` (also 403 for a `user`).
   */
  access: A;
  /**
   * Does the work, with input already validated and the caller already authorised. Return the
   * body (sent as JSON), or undefined for 204 No Content; throw an {@link AppError} to answer
   * with an error. The call's principal is set unless the route is `public` ({@link CallFor}).
   */
  handler: (input: RouteInput<B, Q, P>, call: CallFor<A>) => Promise<R> | R;
}

/**
 * A JSON route. Input is parsed by the zod schemas (object bodies are made strict, so unknown
 * fields are rejected); the result is sent as JSON with `successStatus` (200, or 204 when the
 * handler returns undefined). Schemas also feed the OpenAPI document.
 *
 * A union over the access levels, so the handler's `call` follows `access`: written inline,
 * `access: 'authenticated'` (or `'admin'`) gives a handler whose `call.principal` is always set,
 * and `access: 'public'` one whose principal may be undefined.
 */
export type RouteDefinition<B = unknown, Q = unknown, P = unknown, R = unknown> =
  | RouteDefinitionFor<'public', B, Q, P, R>
  | RouteDefinitionFor<'authenticated', B, Q, P, R>
  | RouteDefinitionFor<'admin', B, Q, P, R>;

/** A raw route with one access level; {@link RawRouteDefinition} is the union over the levels. */
export interface RawRouteDefinitionFor<A extends Access> {
  /** As {@link RouteFields.method}. */
  method: HttpMethod;
  /** As {@link RouteFields.path}. */
  path: string;
  /** As {@link RouteFields.summary}. */
  summary: string;
  /** As {@link RouteDefinitionFor.access}: checked before the handler runs. */
  access: A;
  /** As {@link RouteFields.tag}. */
  tag?: string;
  /**
   * Writes the response on the Koa context itself (status, headers, a stream as `ctx.body`). Nothing is parsed or validated for it: read
   * and check the input here. The call's principal is set unless the route is `public`.
   */
  handler: (ctx: Context, call: CallFor<A>) => Promise<void> | void;
}

/** A route that writes the response itself (streams, downloads). Access is still enforced. */
export type RawRouteDefinition = RawRouteDefinitionFor<'public'> | RawRouteDefinitionFor<'authenticated'> | RawRouteDefinitionFor<'admin'>;
