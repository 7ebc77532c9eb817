import path from 'node:path';
import type Docker from 'dockerode';
import { AppError, type SecretVault } from '@tomo/kernel';
import type { ServerHandle } from '@tomo/plugin-servers/api';
import type { AppsConfig } from '../config';
import type { InstallationEntity } from '../entities/installation.entity';
import type { ServerEngine } from '../services/engine-access';
import type { EngineView } from '../services/installation-state';
import { engineMessage, engineStatus } from '../services/installer';
import type { InstallationState, InstalledServiceView } from '../views';
import { PROJECT_LABEL, type ComposeProgram } from './compose-argv';
import { ComposeRunner } from './compose-runner';
import { reconcileServices } from './project-state';

/** Where the login user keeps Tomo's compose files, under its home: `<home>/.tomo/apps/<project>/compose.yaml`. */
const PROJECTS_FOLDER = '.tomo/apps';

/** The compose file of a project on a server whose login user's home is `home`. */
export function composeFileFor(home: string, project: string): string {
  return path.posix.join(home, PROJECTS_FOLDER, project, 'compose.yaml');
}

/**
 * What the apps service does with an installation deployed as a Compose project: a runner for its
 * project (with the installation's secrets to keep out of messages), its state from the engine's
 * containers, and its removal.
 */
export class ComposeOperations {
  constructor(
    private readonly vault: SecretVault,
    private readonly config: AppsConfig,
  ) {}

  /** The login user's home folder on the server (absolute), where the project folders live. */
  static async homeOf(server: ServerHandle): Promise<string> {
    const result = await server.exec(['printenv', 'HOME'], { timeoutMs: 30_000 });
    const home = result.stdout.replace(/\n$/, '').replace(/(.)\/+$/, '$1');
    if (result.exitCode !== 0 || !path.posix.isAbsolute(home) || path.posix.normalize(home) !== home || /\p{Cc}/u.test(home)) {
      throw new AppError(502, 'compose_failed', `The login user's home folder on "${server.info.name}" could not be found (HOME is ${JSON.stringify(home)})`);
    }
    return home;
  }

  /** The runner of the installation's project, through `server`. */
  runner(server: ServerHandle, row: InstallationEntity, program: ComposeProgram): ComposeRunner {
    if (!row.projectName || !row.composeFile) throw new AppError(500, 'internal', `installation ${row.id} is not a Compose project`);
    const secrets = row.secretsSealed ? Object.values(JSON.parse(this.vault.openText(row.secretsSealed, row.id)) as Record<string, string>) : [];
    return new ComposeRunner(server, { program, project: row.projectName, file: row.composeFile }, { secrets, stopTimeoutSeconds: this.config.stopTimeoutSeconds });
  }

  /** The app's state and its services', from the engine's containers of the project. */
  state(row: InstallationEntity, engine: EngineView): { state: InstallationState; detail: string | null; services: InstalledServiceView[] } {
    if (row.state === 'installing' || row.state === 'failed' || row.state === 'removing') return { state: row.state, detail: null, services: [] };
    if (!engine.ok) return { state: 'unknown', detail: engine.reason, services: [] };
    const expected = JSON.parse(row.servicesJson ?? '[]') as string[];
    return reconcileServices(row.state, expected, engine.projects?.get(row.projectName ?? '') ?? new Map());
  }

  /**
   * Removes the project: `compose down` (with `volumes`, its named volumes too) and the project
   * folder. When the compose file is not on the server (an install that failed before writing
   * it, a folder removed by hand) the project's containers, networks and volumes are removed
   * through the Engine API by Compose's project label instead.
   */
  async remove(server: ServerHandle, engine: ServerEngine, row: InstallationEntity, volumes: boolean, program: ComposeProgram): Promise<void> {
    const runner = this.runner(server, row, program);
    const exists = await server.exec(['test', '-f', runner.target.file], { timeoutMs: 30_000 });
    try {
      if (exists.exitCode === 0) await runner.down(volumes);
      else {
        await removeByLabel(engine.docker, runner.target.project, volumes);
        await runner.removeFolder();
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError(502, 'compose_failed', `Docker Compose could not remove ${row.appName}: ${(err as Error).message}`);
    }
  }
}

/** Containers, networks and (with `volumes`) volumes labelled as the project's, through the Engine API. */
async function removeByLabel(docker: Docker, project: string, volumes: boolean): Promise<void> {
  const filters = { label: [`${PROJECT_LABEL}=${project}`] };
  const ignoreGone = (err: unknown) => {
    if (engineStatus(err) !== 404) throw new Error(engineMessage(err));
  };
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true }).catch(ignoreGone);
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(ignoreGone);
  if (volumes) {
    const { Volumes } = await docker.listVolumes({ filters });
    for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove().catch(ignoreGone);
  }
}
