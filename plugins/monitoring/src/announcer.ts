import type { Logger } from 'pino';
import type { HookRegistry } from '@tomo/kernel';
import { monitoringHooks, type AppCrashedEvent, type PolledServer, type ServerPolledEvent, type ServerWentOfflineEvent } from './hooks';

/** How the poller and the container watch say what they saw; the plugin wires it to {@link monitoringHooks}. */
export interface MonitoringAnnouncer {
  serverWentOffline(event: ServerWentOfflineEvent): Promise<void>;
  serverCameOnline(event: PolledServer): Promise<void>;
  appCrashed(event: AppCrashedEvent): Promise<void>;
  serverPolled(event: ServerPolledEvent): Promise<void>;
}

/**
 * Calls the monitoring hooks. A tap that throws (another plugin's bug) is logged and swallowed:
 * it must not stop a poll half-way or make the poller think the server failed.
 */
export function hookAnnouncer(hooks: HookRegistry, logger: Logger): MonitoringAnnouncer {
  const events = hooks.of(monitoringHooks);
  const announce = <E>(name: keyof MonitoringAnnouncer, call: (event: E) => Promise<void>) => async (event: E): Promise<void> => {
    try {
      await call(event);
    } catch (err) {
      logger.error({ err, event: name }, 'A tap of a monitoring event failed');
    }
  };
  return {
    serverWentOffline: announce('serverWentOffline', (e: ServerWentOfflineEvent) => events.serverWentOffline.promise(e)),
    serverCameOnline: announce('serverCameOnline', (e: PolledServer) => events.serverCameOnline.promise(e)),
    appCrashed: announce('appCrashed', (e: AppCrashedEvent) => events.appCrashed.promise(e)),
    serverPolled: announce('serverPolled', (e: ServerPolledEvent) => events.serverPolled.promise(e)),
  };
}
