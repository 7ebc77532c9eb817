import type { Context } from 'koa';
import type { Logger } from 'pino';
import { z } from 'zod';
import { invokeHandler } from '../access/invoke-handler';
import { AppError } from '../errors';
import type { HookRegistry } from '../hooks/hook-set';
import { answerMismatch } from './answer-check';
import { authorize } from './authenticate';
import { callFromKoa } from './call-from-koa';
import { credentialFromRequest } from './credentials';
import type { RouteEntry } from './route-registry';
import { zodErrorToAppError } from './zod-error';

/** The strict copy of each object schema, made once: `.strict()` builds a new schema, whose first parse compiles it again. */
const strictCopies = new WeakMap<z.ZodType, z.ZodType>();

/** Object schemas are made strict so unknown fields are an error, not silently dropped. */
export function strictIfObject<T extends z.ZodType>(schema: T): T {
  if (!(schema instanceof z.ZodObject)) return schema;
  let strict = strictCopies.get(schema);
  if (!strict) {
    strict = schema.strict();
    strictCopies.set(schema, strict);
  }
  return strict as T;
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, location: 'body' | 'query' | 'params'): T {
  if (!schema) return undefined as T;
  const result = strictIfObject(schema).safeParse(value);
  if (!result.success) throw zodErrorToAppError(result.error, location);
  return result.data;
}

/**
 * Test kernels only: the answer must be what the OpenAPI document says (the route's `response`
 * schema, or no body at all). A programming error, so a plain Error (a 500 with its message logged).
 */
function checkResponse(method: string, path: string, schema: z.ZodType | undefined, result: unknown): void {
  const where = `Route ${method} ${path}`;
  if (!schema) {
    if (result !== undefined) throw new Error(`${where} answered a body but declares no response schema (the OpenAPI document says 204)`);
    return;
  }
  if (result === undefined) throw new Error(`${where} answered 204 but declares a response schema`);
  const mismatch = answerMismatch(schema, result);
  if (mismatch && 'issues' in mismatch) throw new Error(`${where} answered a body that does not match its response schema: ${mismatch.issues}`);
  if (mismatch) throw new Error(`${where} answered a field its response schema does not declare: ${mismatch.undeclared}`);
}

/** Runs one route: authenticate, authorise, validate params/query/body, call the handler, send JSON. */
export async function runRoute(ctx: Context, entry: RouteEntry, hooks: HookRegistry, log: Logger, checkResponses = false): Promise<void> {
  if (entry.websocket) throw new Error(`Route ${entry.definition.path} is a WebSocket route: createHttpApp runs it with runWebSocketRoute`);
  const def = entry.definition;
  const found = authorize(hooks, def.access, credentialFromRequest(ctx), 'http', ctx.ip);
  const principal = found instanceof Promise ? await found : found;
  const call = callFromKoa(ctx, principal, log);
  if (entry.raw) {
    await invokeHandler(entry.definition, ctx, call);
    return;
  }
  const route = entry.definition;
  // Copied (and the query string parsed) only for a route that declares them: most take neither.
  const params = route.params ? parseWith(route.params, { ...ctx.params }, 'params') : undefined;
  const query = route.query ? parseWith(route.query, { ...ctx.query }, 'query') : undefined;
  let body: unknown;
  if (route.body) {
    // A chunked body has no Content-Length; it is still a body, and must be JSON.
    if ((ctx.request.length || ctx.get('transfer-encoding')) && !ctx.is('json')) {
      throw new AppError(415, 'unsupported_media_type', 'Content-Type must be application/json', 'content-type');
    }
    body = parseWith(route.body, (ctx.request as { body?: unknown }).body ?? {}, 'body');
  }
  const result = await invokeHandler(route, { body, query, params }, call);
  if (checkResponses) checkResponse(route.method, route.path, route.response, result);
  if (result === undefined) {
    ctx.status = 204;
    return;
  }
  ctx.status = route.successStatus ?? 200;
  if (isJsonAnswer(result)) {
    // Serialised here, as Koa would, with the type Koa would give it: Koa's own JSON path looks the
    // type up in mime-types, tests it with a regular expression and the body against four stream
    // kinds, on every answer (issue 19). A string body with its type set is sent as it is.
    ctx.res.setHeader('Content-Type', JSON_TYPE);
    ctx.body = JSON.stringify(result);
    return;
  }
  ctx.body = result;
}

/** The Content-Type Koa gives a JSON body. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** A value Koa answers as JSON (it sends strings, buffers and streams as they are). */
function isJsonAnswer(result: unknown): boolean {
  if (Array.isArray(result)) return true;
  if (typeof result !== 'object' || result === null) return false;
  const proto = Object.getPrototypeOf(result) as unknown;
  return proto === Object.prototype || proto === null;
}
