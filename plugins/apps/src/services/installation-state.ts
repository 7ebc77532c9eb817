import type { InstallationState } from '../views';

/** What the engine's container list says about one container (`GET /containers/json?all=1`). */
export interface ContainerSnapshot {
  /** `running`, `exited`, `created`, `restarting`, `paused`, `dead`, `removing`. */
  state: string;
  /** Docker's human status, e.g. `Exited (137) 5 seconds ago`, `Up 3 minutes (healthy)`. */
  status: string;
}

/** What the engine could tell, per server: its containers by installation id, or why it could not be asked. */
export type EngineView =
  | {
      ok: true;
      /** The Engine-API installations' containers, by installation id. */
      containers: ReadonlyMap<string, ContainerSnapshot>;
      /** Compose projects' containers by project name, then service name (when asked). */
      projects?: ReadonlyMap<string, ReadonlyMap<string, ContainerSnapshot>>;
    }
  | { ok: false; reason: string };

/**
 * The state a user sees: what Tomo last did (`recorded`) checked against what the engine reports.
 * A container that exited or loops on restart while it should run is `crashed`; one that is gone
 * is `missing`; an engine that cannot be asked gives `unknown` with the reason.
 */
export function reconcileState(
  installationId: string,
  recorded: 'installing' | 'failed' | 'running' | 'stopped' | 'removing',
  engine: EngineView,
): { state: InstallationState; detail: string | null } {
  if (recorded === 'installing' || recorded === 'failed' || recorded === 'removing') return { state: recorded, detail: null };
  if (!engine.ok) return { state: 'unknown', detail: engine.reason };
  return containerState(recorded, engine.containers.get(installationId));
}

/**
 * One container's state as the user sees it, for an app Tomo last left `running` or `stopped`: a
 * container that exited or loops on restart while it should run is `error`, one that is gone is
 * `missing`.
 */
export function containerState(recorded: 'running' | 'stopped', container: ContainerSnapshot | undefined): { state: InstallationState; detail: string | null } {
  if (!container) return { state: 'missing', detail: 'The container is gone: it was removed outside Tomo. Uninstall to clean up, or install the app again.' };
  switch (container.state) {
    case 'running':
      return { state: 'running', detail: recorded === 'stopped' ? `Started outside Tomo (${container.status})` : null };
    case 'restarting':
      return { state: 'crashed', detail: `The container keeps crashing and restarting (${container.status})` };
    case 'paused':
      return { state: 'stopped', detail: 'Paused outside Tomo' };
    case 'exited':
    case 'dead':
    case 'created':
      return recorded === 'running'
        ? { state: 'crashed', detail: `The container stopped when it should run: ${container.status || container.state}` }
        : { state: 'stopped', detail: null };
    default:
      return { state: recorded === 'running' ? 'crashed' : 'stopped', detail: `Container state: ${container.state}` };
  }
}
