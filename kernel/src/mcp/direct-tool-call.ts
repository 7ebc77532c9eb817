import type { Context } from 'koa';

/** A `tools/call` request Tomo can answer itself, without the SDK's transport and protocol layers. */
export interface DirectToolCall {
  id: string | number;
  name: string;
  arguments?: Record<string, unknown>;
}

/** Protocol versions the SDK's transport accepts in `mcp-protocol-version` (as its own check). */
type VersionList = readonly string[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function hasOnlyKeys(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}

/**
 * The plain `tools/call` of an open session, if this request is one: a POST of one JSON-RPC
 * request `{jsonrpc, id, method: "tools/call", params: {name, arguments?}}` with the headers the
 * Streamable HTTP transport requires. Anything else (batches, notifications, `_meta` such as a
 * progress token or a task, a header the transport would refuse) is left to the SDK, which
 * answers it, or its error, as the specification says.
 *
 * Why: through the SDK a call is a `Request`, a zod parse of the message, of the request and of
 * the result, and a `Response` read back as text: about as much server CPU as the tool itself,
 * for a message whose shape is checked here in a few comparisons (issue 19: an MCP call at most
 * 1.5x its HTTP route). The answer is the same JSON-RPC response the SDK would send.
 */
export function directToolCall(ctx: Context, body: unknown, supportedVersions: VersionList): DirectToolCall | undefined {
  if (ctx.method !== 'POST' || !isPlainObject(body)) return undefined;
  if (body.jsonrpc !== '2.0' || body.method !== 'tools/call' || !hasOnlyKeys(body, ['jsonrpc', 'id', 'method', 'params'])) return undefined;
  const id = body.id;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)))) return undefined;
  const params = body.params;
  if (!isPlainObject(params) || typeof params.name !== 'string' || !hasOnlyKeys(params, ['name', 'arguments'])) return undefined;
  if (params.arguments !== undefined && !isPlainObject(params.arguments)) return undefined;
  const accept = ctx.get('accept');
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  // The media type, parameters dropped (what `ctx.request.is` finds through type-is, for less CPU).
  if (ctx.get('content-type').split(';', 1)[0].trim().toLowerCase() !== 'application/json') return undefined;
  const version = ctx.get('mcp-protocol-version');
  if (version && !supportedVersions.includes(version)) return undefined;
  return { id, name: params.name, ...(params.arguments !== undefined ? { arguments: params.arguments } : {}) };
}
