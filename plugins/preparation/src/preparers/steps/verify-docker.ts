import { StepFailure } from '../../step-failure';
import type { PreparationStep, StepContext } from '../../preparer-types';
import { CONTAINER_TIMEOUT_MS, describeExit, outputTail, succeeded } from './exec';

/** How many local images the container check tries before giving up (an image may lack `true`). */
const MAX_IMAGES_TRIED = 3;

/** `docker run` exit codes for "the daemon ran the container, but its command could not be run or found". */
const COMMAND_NOT_RUNNABLE = new Set([126, 127]);

/**
 * Verifies Docker as the SSH user, without sudo: the daemon answers, and a container starts
 * from an image already on the server. Nothing is pulled here (pulling is the apps plugin's
 * job), so on a fresh server the container check is skipped and says so.
 */
export function verifyDockerStep(): PreparationStep {
  const step: PreparationStep = {
    id: 'verify-docker',
    title: 'Verify the Docker installation',
    // The check IS the full verification (it changes nothing), so a prepared server reports
    // "already satisfied"; when it does not pass, apply runs it again to say why.
    check: async (ctx) => {
      try {
        await verify(ctx);
        return true;
      } catch {
        return false;
      }
    },
    apply: (ctx) => verify(ctx),
  };
  return step;
}

/** Daemon reachable without sudo, then a container from a local image (when there is one). Throws a StepFailure saying why not. */
async function verify(ctx: StepContext): Promise<void> {
    const version = await ctx.run(['docker', 'version', '--format', '{{.Server.Version}}']);
    const serverVersion = version.stdout.trim();
    if (!succeeded(version) || !serverVersion) {
      throw new StepFailure(
        `${ctx.username} cannot reach the Docker daemon without sudo: either the docker group membership has not taken effect (a new login is needed) or the Docker daemon is not running (systemctl status docker)`,
        outputTail(version),
      );
    }
    ctx.log(`Docker ${serverVersion} answers ${ctx.username} without sudo`);

    const listed = await ctx.run(['docker', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
    if (!succeeded(listed)) {
      throw new StepFailure('Docker answered but could not list its images (docker image ls failed)', outputTail(listed));
    }
    const images = listed.stdout
      .split('\n')
      .map((line) => line.trim())
      // `<none>` parts cannot be named in `docker run`; a leading `-` would read as an option.
      .filter((line) => line && !line.includes('<none>') && !line.startsWith('-'))
      .slice(0, MAX_IMAGES_TRIED);
    if (images.length === 0) {
      ctx.log('Skipped the container check: this server has no local image (Tomo pulls images when it deploys an app, not here)');
      return;
    }
    for (const image of images) {
      // --entrypoint true: run nothing of the image's own (it could be a server that never exits).
      const run = await ctx.run(['docker', 'run', '--rm', '--pull=never', '--entrypoint', 'true', image], { timeoutMs: CONTAINER_TIMEOUT_MS });
      if (succeeded(run)) {
        ctx.log(`Started and removed a container from ${image}`);
        return;
      }
      if (run.exitCode === null || !COMMAND_NOT_RUNNABLE.has(run.exitCode)) {
        throw new StepFailure(
          `Docker could not run a container (docker run --rm ${image} ended with ${describeExit(run)}): the daemon answers but cannot start containers`,
          outputTail(run),
        );
      }
      ctx.log(`${image} has no \`true\` command to run; trying another local image`);
    }
    ctx.log('Skipped the container check: no local image has a `true` command to run (Tomo pulls images when it deploys an app, not here)');
}
