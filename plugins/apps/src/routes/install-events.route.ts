import { openEventStream, type PluginContext } from '@tomo/kernel';
import { installationIdParams } from '../schemas';
import type { AppsService } from '../services/apps-service';

/**
 * `GET /api/apps/installations/:id/events`: an install's progress as server-sent events, for the
 * console's install wizard (it polled every 700 ms before). The same access as reading the
 * installation (its owner or an admin; 404 for anyone else, before anything is streamed).
 *
 * Events: `installation` (`{ installation }`, the whole view: first, and again when the install
 * is over), `progress` (`{ steps }`, on every step change or detail line), then `end`. Each
 * connection starts with the whole view, so a client that reconnects has missed nothing.
 */
export function registerInstallEventsRoute(ctx: PluginContext, apps: AppsService): void {
  ctx.http.rawRoute({
    method: 'GET',
    path: '/api/apps/installations/:id/events',
    summary: "An install's, update's or rollback's progress as server-sent events (`installation`, `progress`, `end`)",
    access: 'authenticated',
    handler: async (koa, call) => {
      const { id } = installationIdParams.parse({ id: koa.params.id });
      const { principal } = call;
      const first = await apps.get(principal, id);
      const events = openEventStream(koa);
      events.send('installation', { installation: first });
      // An update or rollback by hand streams its steps the same way.
      if (first.state !== 'installing' && first.updates.operation === null) {
        events.send('end', {});
        events.close();
        return;
      }
      const follow = apps.followInstall(id, (steps) => events.send('progress', { steps }));
      events.onClose(follow.stop);
      void follow.done.then(async () => {
        if (events.closed) return;
        try {
          events.send('installation', { installation: await apps.get(principal, id) });
          events.send('end', {});
        } catch {
          // Uninstalled meanwhile: the stream just ends; the console's next read says 404.
        }
        events.close();
      });
    },
  });
}
