import type { Logger } from 'pino';
import type { HookRegistry } from '@tomo/kernel';
import { appsHooks } from '@tomo/plugin-apps/api';
import { authHooks } from '@tomo/plugin-auth/api';
import { monitoringHooks } from '@tomo/plugin-monitoring/api';
import { preparationHooks } from '@tomo/plugin-preparation/api';
import { serversHooks, type PublicServer, type ServerService } from '@tomo/plugin-servers/api';
import type { AlertEngine, EventTarget } from './alert-engine';

const TAP = 'alerts';

/**
 * Turns the other plugins' events into alert events, and their "it is over" counterparts into
 * resolutions. A tap never throws: a failure is logged and the plugin that announced goes on.
 */
export function tapAlertEvents(deps: { hooks: HookRegistry; engine: AlertEngine; servers: Pick<ServerService, 'forSystem'>; logger: Logger }): void {
  const { hooks, engine, servers, logger } = deps;
  const safely = <A extends unknown[]>(what: string, fn: (...args: A) => Promise<unknown>) =>
    async (...args: A): Promise<void> => {
      try {
        await fn(...args);
      } catch (err) {
        logger.error({ err, event: what }, 'Evaluating alert rules on an event failed');
      }
    };
  const ofServer = (s: PublicServer): EventTarget => ({ serverId: s.id, serverName: s.name, ownerId: s.ownerId });
  /** The server an event names by id, read by the system; null fields once it is gone. */
  const target = async (serverId: string): Promise<EventTarget> => {
    const info = (await servers.forSystem(serverId).catch(() => null))?.info;
    return { serverId, serverName: info?.name ?? engine.lastPoll(serverId)?.serverName ?? null, ownerId: info?.ownerId ?? null };
  };

  const monitoring = hooks.of(monitoringHooks);
  monitoring.serverPolled.tapPromise(TAP, safely('serverPolled', (poll) => engine.onPoll(poll)));
  monitoring.serverWentOffline.tapPromise(TAP, safely('serverWentOffline', (e) =>
    engine.onEvent('server_offline', { serverId: e.serverId, serverName: e.serverName, ownerId: e.ownerId }, '', null, `${e.serverName} failed ${e.consecutiveFailures} polls in a row: ${e.error}`.slice(0, 1000))));
  monitoring.serverCameOnline.tapPromise(TAP, safely('serverCameOnline', (e) => engine.resolveEvent('server_offline', e.serverId)));
  monitoring.appCrashed.tapPromise(TAP, safely('appCrashed', async (e) => {
    const t = await target(e.serverId);
    return engine.onEvent('app_crashed', { ...t, ownerId: e.ownerId }, e.installationId, e.appName, `${e.appName} stopped without anyone stopping it: ${e.detail}`);
  }));

  const apps = hooks.of(appsHooks);
  apps.appStarted.tapPromise(TAP, safely('appStarted', async ({ installation }) => {
    await engine.resolveEvent('app_crashed', installation.serverId, installation.id);
    await engine.resolveEvent('app_unhealthy', installation.serverId, installation.id);
  }));
  apps.appUninstalled.tapPromise(TAP, safely('appUninstalled', async ({ installation }) => {
    for (const event of ['app_crashed', 'app_unhealthy', 'update_rolled_back'] as const) await engine.resolveEvent(event, installation.serverId, installation.id);
  }));
  apps.appUpdated.tapPromise(TAP, safely('appUpdated', async ({ installation, result, from, to, reason }) => {
    if (result === 'updated') return engine.resolveEvent('update_rolled_back', installation.serverId, installation.id);
    if (result !== 'rolled_back' && result !== 'rollback_failed') return;
    const why = result === 'rolled_back' ? `and was rolled back to ${from}` : 'and its rollback failed too';
    return engine.onEvent('update_rolled_back', await target(installation.serverId), installation.id, installation.appName, `The update of ${installation.appName} to ${to} failed ${why}${reason ? `: ${reason}` : ''}.`.slice(0, 1000));
  }));

  const preparation = hooks.of(preparationHooks);
  preparation.preparationFinished.tapPromise(TAP, safely('preparationFinished', async (e) => {
    if (e.status === 'completed') return engine.resolveEvent('preparation_failed', e.serverId);
    return engine.onEvent('preparation_failed', await target(e.serverId), '', e.failedStep, `The preparation stopped${e.failedStep ? ` at ${e.failedStep}` : ''}${e.error ? `: ${e.error}` : ''}.`.slice(0, 1000));
  }));

  const serversEvents = hooks.of(serversHooks);
  serversEvents.hostKeyChanged.tapPromise(TAP, safely('hostKeyChanged', ({ server, presented }) =>
    engine.onEvent('host_key_changed', ofServer(server), '', null, `${server.name} presented the host key ${presented.fingerprint} instead of the trusted one: Tomo refuses to connect until an admin accepts it.`)));
  serversEvents.hostKeyAccepted.tapPromise(TAP, safely('hostKeyAccepted', ({ server }) => engine.resolveEvent('host_key_changed', server.id)));
  serversEvents.hostKeyRestored.tapPromise(TAP, safely('hostKeyRestored', ({ server }) => engine.resolveEvent('host_key_changed', server.id)));
  serversEvents.serverDeleting.tapPromise(TAP, safely('serverDeleting', ({ server }) => engine.forgetServer(server.id)));

  hooks.of(authHooks).loginFailed.tapPromise(TAP, safely('loginFailed', () => engine.onLoginFailed()));
}
