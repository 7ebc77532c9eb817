import type { PluginContext } from '@tomo/kernel';
import { installationResponse } from '../response-schemas';
import { installationIdParams } from '../schemas';
import type { UpdatesService } from '../updates/updates-service';

/** Update routes: check, update (with automatic rollback), rollback by hand. */
export function registerUpdatesRoutes(ctx: PluginContext, updates: UpdatesService): void {
  ctx.http.route({
    method: 'POST',
    path: '/api/apps/installations/:id/check-updates',
    summary: "Check now whether an update is available (a new catalog version, or a new image digest under the installed tag); the answer is in `updates.check`",
    access: 'authenticated',
    params: installationIdParams,
    response: installationResponse,
    handler: async ({ params }, call) => ({ installation: await updates.check(call.principal, params.id) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/apps/installations/:id/update',
    summary:
      "Update the app to the catalog's definition (202, runs in the background: follow the installation's event stream): snapshot of its data, pull, recreate, health check; when the new version fails, it is rolled back automatically to the previous image digest and the snapshot",
    access: 'authenticated',
    params: installationIdParams,
    successStatus: 202,
    response: installationResponse,
    handler: async ({ params }, call) => ({ installation: await updates.update(call.principal, params.id, call) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/apps/installations/:id/rollback',
    summary: "Go back to the last snapshot (202, runs in the background): its data, and the image digest and definition it belonged to",
    access: 'authenticated',
    params: installationIdParams,
    successStatus: 202,
    response: installationResponse,
    handler: async ({ params }, call) => ({ installation: await updates.rollback(call.principal, params.id, call) }),
  });
}
