import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import { createUserInput, idParams, publicUserSchema, updateUserInput, userWithFactorsSchema } from '../schemas';
import type { AuthServices } from '../services/auth-services';

/** User administration (admins only). */
export function registerUserRoutes(ctx: PluginContext, s: AuthServices): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/users',
    summary: 'List all users, with which second factors each has',
    access: 'admin',
    response: z.object({ users: z.array(userWithFactorsSchema) }),
    handler: async () => {
      const users = await s.users.list();
      const factors = await s.factors.summaries(users.map((u) => u.id));
      return { users: users.map((u) => ({ ...u, factors: factors.get(u.id)! })) };
    },
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/users',
    summary: 'Create a user',
    access: 'admin',
    body: createUserInput,
    response: publicUserSchema,
    successStatus: 201,
    handler: ({ body }, call) => s.users.create(body, call),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/users/:id',
    summary: 'One user',
    access: 'admin',
    params: idParams,
    response: publicUserSchema,
    handler: ({ params }) => s.users.get(params.id),
  });
  ctx.http.route({
    method: 'PATCH',
    path: '/api/users/:id',
    summary: "Change a user's email, role, password or disabled flag (role, password and disabling end their sessions and tokens)",
    access: 'admin',
    params: idParams,
    body: updateUserInput,
    response: publicUserSchema,
    handler: ({ params, body }, call) => s.users.update(params.id, body, call),
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/users/:id/sessions',
    summary: 'Sign a user out everywhere: all their login sessions end at once (their API tokens are kept; disable the user to end those too)',
    access: 'admin',
    params: idParams,
    // No options: `?tokens=true` and the like are refused (400), not silently ignored.
    query: z.strictObject({}),
    handler: async ({ params }, call) => {
      await s.login.signOutEverywhere(params.id, call);
    },
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/users/:id',
    summary: 'Delete a user (their sessions and tokens end)',
    access: 'admin',
    params: idParams,
    handler: async ({ params }, call) => {
      await s.users.delete(params.id, call);
    },
  });
}
