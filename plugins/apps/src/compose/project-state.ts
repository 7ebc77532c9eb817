import { containerState, type ContainerSnapshot } from '../services/installation-state';
import type { InstallationState, InstalledServiceView, ServiceHealth } from '../views';

/*
 * The state of a multi-service app: each service's container as the engine lists it (found by
 * Compose's labels), and the app as a whole, which is as well as its worst service. Pure.
 */

/** Docker's health verdict in a container's human status: `Up 3 minutes (healthy)`, `(unhealthy)`, `(health: starting)`. */
export function healthOf(status: string): ServiceHealth {
  if (/\(healthy\)/.test(status)) return 'healthy';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(health: starting\)/.test(status)) return 'starting';
  return null;
}

/** One service's state: the container's, with a failing health check counted as crashed (it does not work as it should). */
export function serviceState(name: string, recorded: 'running' | 'stopped', container: ContainerSnapshot | undefined): InstalledServiceView {
  const base = containerState(recorded, container);
  const health = container?.state === 'running' ? healthOf(container.status) : null;
  if (base.state === 'running' && health === 'unhealthy') return { name, state: 'crashed', health, detail: `Its health check fails (${container!.status})` };
  if (base.state === 'running' && health === 'starting') return { name, state: 'running', health, detail: base.detail ?? 'Starting: its health check has not passed yet' };
  return { name, state: base.state, health, detail: base.detail };
}

/** How bad a service's state is, worst highest: running and healthy < starting < stopped < unhealthy < exited/crashing < gone. */
function badness(s: InstalledServiceView): number {
  if (s.state === 'running') return s.health === 'starting' ? 1 : 0;
  if (s.state === 'stopped') return 2;
  if (s.state === 'crashed') return s.health === 'unhealthy' ? 3 : 4;
  if (s.state === 'missing') return 5;
  return 6;
}

/**
 * The app's state from its services' (`expected` names them, so a service whose container is gone
 * counts as missing): the worst one's state, its detail prefixed with the service's name when the
 * app has more than one. Containers of services no longer expected are ignored.
 */
export function reconcileServices(
  recorded: 'running' | 'stopped',
  expected: readonly string[],
  containers: ReadonlyMap<string, ContainerSnapshot>,
): { state: InstallationState; detail: string | null; services: InstalledServiceView[] } {
  const services = expected.map((name) => serviceState(name, recorded, containers.get(name)));
  if (services.length === 0) return { state: 'missing', detail: 'The app has no services', services };
  const worst = services.reduce((a, b) => (badness(b) > badness(a) ? b : a));
  const detail = worst.detail && services.length > 1 ? `${worst.name}: ${worst.detail}` : worst.detail;
  return { state: worst.state, detail, services };
}
