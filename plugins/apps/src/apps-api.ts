/**
 * The apps service as other plugins see it: plain views out, never an entity. The implementing
 * class is `services/apps-service.ts`.
 */
import type { Principal } from '@tomo/kernel';
import type { InstallationView, RecordedInstallation } from './views';
import type { ContainerShellTarget } from './terminal/container-shell-types';

/** What other plugins ask of installed apps (the monitoring poller, tests). */
export interface AppsApi {
  /** The caller's installations (on one server, or all), with their state checked against the engine. */
  list(principal: Principal, serverId?: string): Promise<InstallationView[]>;
  /** One installation the caller may see (404 otherwise), its state checked against the engine. */
  get(principal: Principal, installationId: string): Promise<InstallationView>;
  /** Every installation on a server with its state checked against the engine, for Tomo's own jobs (the monitoring poller's crash check). */
  listForSystem(serverId: string): Promise<InstallationView[]>;
  /** A server's installations as recorded (no Docker call, no ownership check: for Tomo's own jobs). */
  recorded(serverId: string): Promise<RecordedInstallation[]>;
  /** One installation as recorded, if the principal may see it (404 otherwise); no Docker call. */
  recordedOwned(principal: Principal, installationId: string): Promise<RecordedInstallation>;
  /** The caller's installations of one app on one server, as recorded, oldest first (none when the server is not theirs); no Docker call. */
  recordedOwnedOf(principal: Principal, serverId: string, appId: string): Promise<RecordedInstallation[]>;
  /** Resolves when the installation's background install (if any) is over. */
  waitFor(installationId: string): Promise<void>;
  /**
   * Where a browser terminal's shell in one of the installation's containers would run (its owner
   * or an admin; 404 otherwise): `service` defaults to the first; 409 `container_not_running` when
   * its container is stopped. Opens nothing until the target's `open`.
   */
  containerShell(principal: Principal, installationId: string, service?: string): Promise<ContainerShellTarget>;
}
