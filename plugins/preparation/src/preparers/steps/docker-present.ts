import type { StepContext } from '../../preparer-types';
import { succeeded } from './exec';

/** The fixed script that finds the docker CLI on the SSH user's PATH (no variable input in it). */
export const COMMAND_V_DOCKER_SCRIPT = 'command -v docker';

/** Where packages put the daemon: Docker's packages and Ubuntu's in /usr/bin, Debian's docker.io in /usr/sbin. */
export const DOCKERD_PATHS = ['/usr/bin/dockerd', '/usr/sbin/dockerd'] as const;

/**
 * The check of every `install-docker` step: the docker CLI is on the PATH and the daemon binary
 * exists. Only the CLI is not enough (podman-docker installs a `docker` wrapper without a daemon).
 */
export async function isDockerInstalled(ctx: StepContext): Promise<boolean> {
  if (!succeeded(await ctx.run(['sh', '-c', COMMAND_V_DOCKER_SCRIPT]))) return false;
  for (const path of DOCKERD_PATHS) {
    if (succeeded(await ctx.run(['test', '-x', path]))) return true;
  }
  return false;
}

/** Docker's packages from its official repository (the same names in its apt and rpm repositories). */
export const DOCKER_CE_PACKAGES = ['docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin'] as const;
