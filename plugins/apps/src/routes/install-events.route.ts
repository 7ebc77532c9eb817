import { AppError, openEventStream, type EventStream, type PluginContext } from '@tomo/kernel';
import type { InstallationView } from '../api';
import { installationIdParams } from '../schemas';
import type { AppsService } from '../services/apps-service';

/** How often a stream reads the record of an operation another instance runs. */
const ELSEWHERE_POLL_MS = 500;

/**
 * Follows an operation another instance runs (several instances on one PostgreSQL database) from
 * the record it saves at every step: `progress` when the steps change, then the final
 * `installation` (or `removed`) and `end` once that instance is done with it (or gone).
 */
function followElsewhere(events: EventStream, read: () => Promise<InstallationView>, stillRunning: () => Promise<boolean>, id: string): void {
  let last = '';
  const tick = async (): Promise<void> => {
    if (events.closed) return;
    try {
      const running = await stillRunning();
      const view = await read();
      const steps = JSON.stringify(view.progress);
      if (steps !== last && running) events.send('progress', { steps: view.progress });
      last = steps;
      if (!running) {
        events.send('installation', { installation: view });
        events.send('end', {});
        events.close();
        return;
      }
    } catch (err) {
      if (err instanceof AppError && err.status === 404) events.send('removed', { id });
      events.send('end', {});
      events.close();
      return;
    }
    setTimeout(() => void tick(), ELSEWHERE_POLL_MS).unref();
  };
  void tick();
}

/**
 * `GET /api/apps/installations/:id/events`: an install's, update's, rollback's or uninstall's
 * progress as server-sent events, for the console's dialogs. The same access as reading the
 * installation (its owner or an admin; 404 for anyone else, before anything is streamed).
 *
 * Events: `installation` (`{ installation }`, the whole view: first, and again when the operation
 * is over), `progress` (`{ steps }`, on every step change or detail line), `removed` (`{ id }`,
 * instead of the last `installation` when an uninstall deleted the record), then `end`. Each
 * connection starts with the whole view, so a client that reconnects has missed nothing.
 *
 * With `?next=1` a stream opened while nothing runs waits for the next update, rollback or
 * uninstall and follows it: an uninstall answers only when it is over, so the console opens the
 * stream first (the wait is registered before the first event is sent) and then asks for it.
 */
export function registerInstallEventsRoute(ctx: PluginContext, apps: AppsService): void {
  ctx.http.rawRoute({
    method: 'GET',
    path: '/api/apps/installations/:id/events',
    summary: "An install's, update's, rollback's or uninstall's progress as server-sent events (`installation`, `progress`, `removed`, `end`); `?next=1` waits for the next operation",
    access: 'authenticated',
    handler: async (koa, call) => {
      const { id } = installationIdParams.parse({ id: koa.params.id });
      const waitForNext = koa.query.next === '1' || koa.query.next === 'true';
      const { principal } = call;
      const first = await apps.get(principal, id);
      const events = openEventStream(koa);

      const follow = () => {
        const following = apps.followInstall(id, (steps) => events.send('progress', { steps }));
        events.onClose(following.stop);
        void following.done.then(async () => {
          if (events.closed) return;
          try {
            events.send('installation', { installation: await apps.get(principal, id) });
          } catch (err) {
            // The operation was an uninstall and the record is gone: say so, then end cleanly.
            if (err instanceof AppError && err.status === 404) events.send('removed', { id });
          }
          events.send('end', {});
          events.close();
        });
      };

      if (apps.inFlight(id)) {
        events.send('installation', { installation: first });
        follow();
      } else if (await apps.runsElsewhere(id)) {
        // Another instance runs it: its saved progress is read until it is over.
        events.send('installation', { installation: first });
        followElsewhere(events, () => apps.get(principal, id), () => apps.runsElsewhere(id), id);
      } else if (waitForNext) {
        // Registered before the first event goes out: a client that saw it may start the operation.
        const unsubscribe = apps.onNextOperation(id, follow);
        events.onClose(unsubscribe);
        events.send('installation', { installation: first });
      } else {
        events.send('installation', { installation: first });
        events.send('end', {});
        events.close();
      }
    },
  });
}
