import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import { acceptHostKeyInput, connectionTestResultSchema, createServerInput, publicServerSchema, serverIdParams, updateServerInput } from '../schemas';
import type { ServerService } from '../services/server-service';

/** HTTP routes: the same service calls as the MCP tools. */
export function registerServerRoutes(ctx: PluginContext, servers: ServerService): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/servers',
    summary: 'Your servers (all servers for an admin), with status; never credentials',
    access: 'authenticated',
    response: z.object({ servers: z.array(publicServerSchema) }),
    handler: async (_i, call) => ({ servers: await servers.list(call.principal) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/servers',
    summary: 'Add a server (credentials are checked, then stored encrypted; nothing connects yet)',
    access: 'authenticated',
    body: createServerInput,
    response: publicServerSchema,
    successStatus: 201,
    handler: ({ body }, call) => servers.create(body, { ...call, principal: call.principal }),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/servers/:id',
    summary: 'One server',
    access: 'authenticated',
    params: serverIdParams,
    response: publicServerSchema,
    handler: ({ params }, call) => servers.get(call.principal, params.id),
  });
  ctx.http.route({
    method: 'PATCH',
    path: '/api/servers/:id',
    summary: 'Change a server; omit credentials to keep the stored ones',
    access: 'authenticated',
    params: serverIdParams,
    body: updateServerInput,
    response: publicServerSchema,
    handler: ({ params, body }, call) => servers.update(params.id, body, { ...call, principal: call.principal }),
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/servers/:id',
    summary: 'Remove a server, its credentials and what depends on it',
    access: 'authenticated',
    params: serverIdParams,
    handler: async ({ params }, call) => {
      await servers.delete(params.id, { ...call, principal: call.principal });
    },
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/servers/:id/test',
    summary: 'Test the connection: latency, host key, system facts; updates the status',
    access: 'authenticated',
    params: serverIdParams,
    response: connectionTestResultSchema,
    handler: ({ params }, call) => servers.testConnection(call.principal, params.id, call),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/servers/:id/host-key/accept',
    summary: 'Trust the new host key a server presented (admin, after comparing the fingerprint)',
    access: 'admin',
    params: serverIdParams,
    body: acceptHostKeyInput,
    response: publicServerSchema,
    handler: ({ params, body }, call) => servers.acceptHostKey(call.principal, params.id, body.fingerprint, call),
  });
}
