/**
 * Type-level checks of the handler's call type (compiled, never run, by handler-call-types.test.ts;
 * every `@ts-expect-error` must meet an error, or the compile fails).
 */
import { z } from 'zod';
import type { AuthenticatedCall, CallContext, PluginContext, RawRouteDefinition, RouteDefinition, ToolDefinition } from '../../src';

declare const ctx: PluginContext;

// A login-required route's principal is set: no `!` needed.
ctx.http.route({
  method: 'GET',
  path: '/api/typing/mine',
  summary: 'authenticated',
  access: 'authenticated',
  handler: (_input, call) => ({ id: call.principal.id }),
});
ctx.http.route({
  method: 'GET',
  path: '/api/typing/admin',
  summary: 'admin',
  access: 'admin',
  params: z.object({ id: z.string() }),
  handler: ({ params }, call) => ({ id: params.id, by: call.principal.role }),
});

// A public route's principal may be missing.
ctx.http.route({
  method: 'GET',
  path: '/api/typing/public',
  summary: 'public',
  access: 'public',
  // @ts-expect-error principal is optional on a public route
  handler: (_input, call) => ({ id: call.principal.id }),
});
ctx.http.route({
  method: 'GET',
  path: '/api/typing/public-checked',
  summary: 'public, checked',
  access: 'public',
  handler: (_input, call) => ({ id: call.principal?.id ?? null }),
});

// Raw routes follow access too.
ctx.http.rawRoute({
  method: 'GET',
  path: '/api/typing/raw',
  summary: 'raw',
  access: 'authenticated',
  handler: (koa, call) => {
    koa.body = call.principal.name;
  },
});
ctx.http.rawRoute({
  method: 'GET',
  path: '/api/typing/raw-public',
  summary: 'raw public',
  access: 'public',
  handler: (koa, call) => {
    // @ts-expect-error principal is optional on a public raw route
    koa.body = call.principal.name;
  },
});

// Tools built by a function returning ToolDefinition, as plugins write them.
function mineTool(): ToolDefinition<{ id: string }> {
  return {
    name: 'typing_mine',
    description: 'authenticated tool',
    input: z.object({ id: z.string() }),
    access: 'authenticated',
    handler: ({ id }, call) => ({ id, by: call.principal.id }),
  };
}
function publicTool(): ToolDefinition<{ id: string }> {
  return {
    name: 'typing_public',
    description: 'public tool',
    input: z.object({ id: z.string() }),
    access: 'public',
    // @ts-expect-error principal is optional on a public tool
    handler: ({ id }, call) => ({ id, by: call.principal.id }),
  };
}
ctx.mcp.tool(mineTool());
ctx.mcp.tool(publicTool());

// Arrays of definitions are narrowed per element.
export const routes: RouteDefinition[] = [
  { method: 'GET', path: '/api/typing/a', summary: 'a', access: 'admin', handler: (_i, call) => call.principal.id },
  // @ts-expect-error principal is optional on a public route
  { method: 'GET', path: '/api/typing/b', summary: 'b', access: 'public', handler: (_i, call) => call.principal.id },
];

// A handler written for an authenticated call cannot be declared public.
const needsLogin = (_input: unknown, call: AuthenticatedCall) => call.principal.id;
export const wrong: RawRouteDefinition = {
  method: 'GET',
  path: '/api/typing/wrong',
  summary: 'wrong',
  access: 'public',
  // @ts-expect-error a public route's handler must accept a call without a principal
  handler: needsLogin,
};

// A plain CallContext is not an AuthenticatedCall.
declare const anyCall: CallContext;
// @ts-expect-error principal may be undefined
export const notAuthenticated: AuthenticatedCall = anyCall;
