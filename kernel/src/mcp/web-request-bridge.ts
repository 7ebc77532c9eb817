import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Context } from 'koa';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';

/** What the bridge needs of the SDK's Web-standard Streamable HTTP transport. */
export interface WebStandardTransport {
  handleRequest(request: Request, options?: { parsedBody?: unknown; authInfo?: AuthInfo }): Promise<Response>;
}

/**
 * Serves one `/mcp` request with the SDK's Web-standard transport: Koa's request becomes a
 * `Request`, the transport's `Response` is written to Node's response as it is.
 *
 * Why not the SDK's Node transport: it wraps each request in a new @hono/node-server listener
 * that rebuilds the request and reads every JSON answer back through a web stream, which cost
 * about as much CPU as the tool call itself (issue 19: an MCP call at most 1.5x the HTTP route).
 * A JSON answer is written in one piece here; an event stream (the GET stream, or a POST answered
 * as SSE) is piped and cancelled when the client goes away.
 */
export async function serveWithWebTransport(ctx: Context, transport: WebStandardTransport, parsedBody: unknown, authInfo: AuthInfo): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  // The body parser has read a JSON body (passed as parsedBody); any other body is left to the
  // transport, which refuses what is not JSON.
  const unread = parsedBody === undefined && ctx.method === 'POST';
  const request = new Request(`http://${ctx.host || 'localhost'}${ctx.originalUrl}`, {
    method: ctx.method,
    headers,
    ...(unread ? { body: Readable.toWeb(ctx.req) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
  const response = await transport.handleRequest(request, { parsedBody, authInfo });

  ctx.respond = false;
  const res = ctx.res;
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  if (!response.body) {
    res.end();
    return;
  }
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    // As text: Node writes the head and a string body in one piece.
    res.end(await response.text());
    return;
  }
  res.flushHeaders();
  // Ends when the transport closes the stream or the client leaves (which cancels it).
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res).catch(() => undefined);
}
