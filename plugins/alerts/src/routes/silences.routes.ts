import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import { createSilenceBody } from '../silences/silence-schema';
import type { SilenceService } from '../silences/silence-service';
import { silenceViewSchema } from '../silences/silence-views';

/** `/api/alerts/silences`: silences now, and maintenance windows ahead (a `startsAt` in the future). */
export function registerSilenceRoutes(ctx: PluginContext, silences: SilenceService): void {
  const scope = "Alerts a silence covers are still recorded (silenced: true) but not sent. A `user`'s silence covers only their own servers (another user's rule or server is a 404); an admin's covers any. Neither ruleId nor serverId: everything its creator may see.";
  ctx.http.route({
    method: 'GET',
    path: '/api/alerts/silences',
    summary: 'Silences and maintenance windows not yet over',
    description: scope,
    access: 'authenticated',
    response: z.object({ silences: z.array(silenceViewSchema) }),
    handler: async (_input, call) => ({ silences: await silences.list(call.principal) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/alerts/silences',
    summary: 'Silences a rule and/or a server until endsAt (from startsAt: a maintenance window)',
    description: scope,
    access: 'authenticated',
    body: createSilenceBody,
    response: z.object({ silence: silenceViewSchema }),
    successStatus: 201,
    handler: async ({ body }, call) => ({ silence: await silences.create(body, call) }),
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/alerts/silences/:id',
    summary: 'Ends a silence (or cancels a maintenance window)',
    access: 'authenticated',
    params: z.object({ id: z.string().min(1).max(64) }),
    handler: async ({ params }, call) => {
      await silences.delete(params.id, call);
    },
  });
}
