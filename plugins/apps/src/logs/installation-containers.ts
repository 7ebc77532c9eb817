import type Docker from 'dockerode';
import { LABELS } from '../install/container-spec';

/** One container of an installation, with the name of the service it runs. */
export interface InstallationContainer {
  /** The service name the logs show (a Compose service; the app id for a single-container app). */
  service: string;
  containerId: string;
  /** Whether the container runs with a terminal: its log stream is then raw, not multiplexed. */
  tty: boolean;
}

/** Compose's own label naming the service of a container it created. */
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/**
 * The containers of an installation and their service names, from the engine. This is the one
 * place that knows how an installation maps to containers: today every container Tomo creates
 * carries `io.tomo.installation=<id>`, and a container made by Compose names its service with
 * `com.docker.compose.service`; a single-container app's one container is the service `appId`.
 * Ordered by service name so the answer is stable.
 */
export async function installationContainers(docker: Docker, installation: { id: string; appId: string }): Promise<InstallationContainer[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [`${LABELS.installation}=${installation.id}`] } });
  const containers = await Promise.all(
    listed.map(async (c) => ({ service: c.Labels?.[COMPOSE_SERVICE_LABEL] ?? installation.appId, containerId: c.Id, tty: await hasTerminal(docker, c.Id) })),
  );
  return containers.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

/** Whether a container has a terminal, by container id: fixed when the container is created, so asked once. */
const terminals = new Map<string, boolean>();
/** Past this many ids the cache starts again (containers come and go; an id is never reused). */
const MAX_REMEMBERED = 10000;

async function hasTerminal(docker: Docker, containerId: string): Promise<boolean> {
  const known = terminals.get(containerId);
  if (known !== undefined) return known;
  // The list does not say whether a container has a terminal; one inspect does.
  const tty = (await docker.getContainer(containerId).inspect()).Config?.Tty === true;
  if (terminals.size >= MAX_REMEMBERED) terminals.clear();
  terminals.set(containerId, tty);
  return tty;
}
