import type Docker from 'dockerode';
import type { DataSource, Repository } from 'typeorm';
import { AppError, badRequest, conflict, requireOwned, type Principal } from '@tomo/kernel';
import type { PtySize, ServerHandle, ServerService } from '@tomo/plugin-servers/api';
import { dockerOverSsh } from '../docker/docker-over-ssh';
import { InstallationEntity } from '../entities/installation.entity';
import { installationContainers } from '../logs/installation-containers';
import { DOCKER_SOCKET, type EngineAccess } from '../services/engine-access';
import { engineMessage } from '../services/installer';
import type { ContainerShell, ContainerShellTarget } from './container-shell-types';
import { startShellExec } from './shell-exec';

/**
 * Shells in installed apps' containers for the browser terminal: the installation's owner or an
 * admin only (404 otherwise, as for every installation), the service's container must be running.
 * Each shell is a Docker exec with a tty over the server's pooled SSH connection.
 */
export class ContainerShells {
  private readonly repo: Repository<InstallationEntity>;

  constructor(
    dataSource: DataSource,
    private readonly servers: ServerService,
    private readonly engine: EngineAccess,
  ) {
    this.repo = dataSource.getRepository(InstallationEntity);
  }

  /**
   * Where a shell would run: checks access, the service (the first one when not named: 400 naming
   * `service` for one the app does not have) and that its container runs (409
   * `container_not_running`). Opens nothing yet.
   */
  async target(principal: Principal, installationId: string, service?: string): Promise<ContainerShellTarget> {
    const row = requireOwned(principal, await this.repo.findOneBy({ id: installationId }), 'Installation');
    const handle = await this.servers.forCaller(principal, row.serverId);
    const docker = this.engine.for(handle).docker;
    let running: boolean;
    let chosen: { service: string; containerId: string };
    try {
      const containers = await installationContainers(docker, row);
      const found = service === undefined ? containers[0] : containers.find((c) => c.service === service);
      if (!found) {
        const names = containers.map((c) => c.service);
        if (service === undefined) throw conflict(`${row.appName} has no container right now`, 'installationId');
        throw badRequest('service', `service: ${row.appName} has no service "${service}" (${names.length ? `its services: ${names.join(', ')}` : 'it has no container right now'})`);
      }
      chosen = found;
      running = (await docker.getContainer(found.containerId).inspect()).State?.Running === true;
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError(502, 'engine_failed', `Docker on ${handle.info.name} could not list the containers of ${row.appName}: ${engineMessage(err)}`);
    }
    if (!running) throw new AppError(409, 'container_not_running', `The ${chosen.service} container of ${row.appName} is not running: start the app first`);
    const { containerId } = chosen;
    return {
      installationId: row.id,
      serverId: row.serverId,
      ownerId: row.ownerId,
      appName: row.appName,
      service: chosen.service,
      containerId,
      open: (size) => this.open(docker, handle, containerId, size),
    };
  }

  private async open(docker: Docker, handle: ServerHandle, containerId: string, size: PtySize): Promise<ContainerShell> {
    // The attached stream lives as long as the shell: a client without the engine timeout (which
    // bounds one request) carries it; creating, resizing and inspecting use the bounded one.
    const attach = dockerOverSsh(() => handle.openStream({ socketPath: DOCKER_SOCKET }));
    const readServerFile = async (path: string) => (await handle.exec(['cat', path], { timeoutMs: 10000 })).stdout;
    return startShellExec({ docker, attach, containerId, size, readServerFile });
  }
}
