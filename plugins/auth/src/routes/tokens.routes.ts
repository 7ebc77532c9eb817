import { z } from 'zod';
import { authHooks } from '../hooks';
import type { PluginContext } from '@tomo/kernel';
import { createTokenInput, idParams, publicTokenSchema } from '../schemas';
import type { AuthServices } from '../services/auth-services';

/** The caller's personal API tokens. */
export function registerTokenRoutes(ctx: PluginContext, s: AuthServices): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/auth/tokens',
    summary: 'Your API tokens (without their secret part)',
    access: 'authenticated',
    response: z.object({ tokens: z.array(publicTokenSchema) }),
    handler: async (_input, call) => ({ tokens: await s.tokens.list(call.principal) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/auth/tokens',
    summary: 'Create an API token; the token is in this response only',
    access: 'authenticated',
    body: createTokenInput,
    response: z.object({ token: z.string(), record: publicTokenSchema }),
    successStatus: 201,
    handler: async ({ body }, call) => {
      const created = await s.tokens.create(call.principal, body, call);
      await ctx.hooks.of(authHooks).apiTokenCreated.promise({ userId: call.principal.id, tokenId: created.record.id, name: created.record.name, call });
      return created;
    },
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/auth/tokens/:id',
    summary: 'Revoke one of your API tokens',
    access: 'authenticated',
    params: idParams,
    handler: async ({ params }, call) => {
      await s.tokens.revoke(call.principal, params.id);
      await ctx.hooks.of(authHooks).apiTokenRevoked.promise({ userId: call.principal.id, tokenId: params.id, call });
    },
  });
}
