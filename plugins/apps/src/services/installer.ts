import type Docker from 'dockerode';
import type { AppDefinition } from '../catalog/definition-schema';
import type { ResolvedPort } from '../install';
import type { ServerEngine } from './engine-access';
import type { InstallProgress } from './install-progress';

/** Everything decided before the install runs in the background. */
export interface InstallPlan {
  serverId: string;
  app: AppDefinition;
  /** The Docker create body (`buildContainerSpec`), with `name`. */
  spec: Docker.ContainerCreateOptions & { name: string };
  ports: ResolvedPort[];
}

/** Where the time of one install went, in ms (the benchmark subtracts the engine's part from the total). */
export interface InstallTimings {
  totalMs: number;
  pullMs: number;
  createMs: number;
  startMs: number;
  healthMs: number;
}

/** An install step failed; `message` is for the user and never holds a secret. */
export class InstallFailure extends Error {}

/** How long a container without a health check must keep running to count as started. */
const SETTLE_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsed = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

/** A status code dockerode attached to an engine error (404: no such image/container, 304: already in that state). */
export function engineStatus(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** The engine's own message (`{"message": "..."}`) without dockerode's "(HTTP code …)" prefix. */
export function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string }; reason?: string; message?: string };
  return e.json?.message ?? e.message ?? e.reason ?? String(err);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Runs the engine side of an install: image (pulled only when absent), container, start, health.
 * On a failure after the container exists, it is removed again (its data folders stay) and an
 * {@link InstallFailure} says why. Returns the container id and where the time went.
 */
export async function runInstall(
  plan: InstallPlan,
  engine: ServerEngine,
  progress: InstallProgress,
  options: { pullTimeoutMs: number; onContainer(id: string): Promise<void> },
): Promise<{ containerId: string; timings: InstallTimings }> {
  const started = process.hrtime.bigint();
  const docker = engine.docker;
  const timings: InstallTimings = { totalMs: 0, pullMs: 0, createMs: 0, startMs: 0, healthMs: 0 };

  let t = process.hrtime.bigint();
  await progress.set('pull', 'running');
  const present = await imagePresent(docker, plan.app.image);
  if (present) await progress.set('pull', 'skipped', `${plan.app.image} is already on the server`);
  else {
    await pullImage(docker, plan.app.image, options.pullTimeoutMs, (line) => progress.detail('pull', line));
    await progress.set('pull', 'done', `${plan.app.image} downloaded`);
  }
  timings.pullMs = elapsed(t);

  t = process.hrtime.bigint();
  await progress.set('create', 'running');
  let container: Docker.Container;
  try {
    container = await docker.createContainer(plan.spec);
  } catch (err) {
    throw new InstallFailure(`Docker refused to create the container: ${engineMessage(err)}`);
  }
  timings.createMs = elapsed(t);
  await options.onContainer(container.id);
  await progress.set('create', 'done', plan.spec.name);

  try {
    t = process.hrtime.bigint();
    await progress.set('start', 'running');
    try {
      await container.start();
    } catch (err) {
      throw new InstallFailure(`The container did not start: ${engineMessage(err)}`);
    }
    timings.startMs = elapsed(t);
    await progress.set('start', 'done');

    t = process.hrtime.bigint();
    await progress.set('health', 'running');
    const detail = await waitHealthy(plan, engine, container, (line) => progress.detail('health', line));
    timings.healthMs = elapsed(t);
    await progress.set('health', 'done', detail);
  } catch (err) {
    // Leave nothing half-done: the container goes, the data folders (bind mounts) stay.
    await removeLeftover(container);
    throw err;
  }
  timings.totalMs = elapsed(started);
  return { containerId: container.id, timings };
}

export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (engineStatus(err) === 404) return false;
    throw new InstallFailure(`Docker could not be asked about the image: ${engineMessage(err)}`);
  }
}

/** Pulls with progress lines ("Downloading 12.3 MB / 40.1 MB"), bounded by `timeoutMs`. */
export async function pullImage(docker: Docker, image: string, timeoutMs: number, onLine: (line: string) => void): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(image)) as NodeJS.ReadableStream;
  } catch (err) {
    throw new InstallFailure(`The image ${image} could not be downloaded: ${engineMessage(err)}`);
  }
  const layers = new Map<string, { current: number; total: number }>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      reject(new InstallFailure(`Downloading ${image} took longer than ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: Array<{ error?: string }>) => {
        clearTimeout(timer);
        const failed = err?.message ?? output.find((o) => o.error)?.error;
        if (failed) reject(new InstallFailure(`The image ${image} could not be downloaded: ${failed}`));
        else resolve();
      },
      (event: { id?: string; status?: string; progressDetail?: { current?: number; total?: number } }) => {
        if (event.id && event.progressDetail?.total) layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
        const total = [...layers.values()].reduce((sum, l) => sum + l.total, 0);
        const current = [...layers.values()].reduce((sum, l) => sum + l.current, 0);
        onLine(total > 0 ? `Downloading ${megabytes(current)} / ${megabytes(total)}` : (event.status ?? 'Downloading'));
      },
    );
  });
}

/**
 * Healthy = the container runs and, when the definition has a check, its HTTP path or TCP port
 * answers on the server within the check's timeout. A container that exits meanwhile fails at once.
 */
export async function waitHealthy(plan: InstallPlan, engine: ServerEngine, container: Docker.Container, onLine: (line: string) => void): Promise<string> {
  const check = plan.app.healthcheck;
  const deadline = Date.now() + (check?.timeoutSeconds ?? 30) * 1000;
  const intervalMs = Math.min((check?.intervalSeconds ?? 1) * 1000, 2000);
  const hostPort = check ? portOnServer(plan, check.port) : undefined;
  let last = 'waiting for the container to run';
  let runningSince: number | undefined;
  for (let attempt = 0; ; attempt++) {
    const info = await container.inspect();
    const state = info.State;
    // With a restart policy, a process that ends is started again: a restart during install is a crash.
    if (state.Status === 'exited' || state.Status === 'dead' || state.Restarting || info.RestartCount > 0) {
      throw new InstallFailure(`The container stopped right after starting (exit code ${state.ExitCode}${state.Error ? `: ${state.Error}` : ''}); see its logs on the server`);
    }
    if (state.Running) {
      runningSince ??= Date.now();
      // Without a check, "running" must last a moment: a process that ends at once is not an app.
      if (!check) {
        if (Date.now() - runningSince >= SETTLE_MS) return 'The container is running';
        await sleep(SETTLE_MS / 4);
        continue;
      }
      if (hostPort === undefined) return `The container is running (port ${check.port} is not published, so it was not probed)`;
      const result = check.type === 'http'
        ? await engine.probeHttp(hostPort, check.path, check.expectStatus, Math.max(1000, Math.min(5000, deadline - Date.now())))
        : await engine.probeTcp(hostPort);
      if (result.ok) return result.detail;
      last = result.detail;
      onLine(`Waiting for the app to answer (${last})`);
    }
    if (Date.now() >= deadline) throw new InstallFailure(`The app did not answer within ${check?.timeoutSeconds ?? 30} s (last try: ${last})`);
    // Probe quickly at first (most apps answer within a second), then at the definition's pace.
    await sleep(attempt < 10 ? Math.min(200, intervalMs) : intervalMs);
  }
}

/** The port to probe on the server for a container port: its published host port, or itself with host networking. */
function portOnServer(plan: InstallPlan, containerPort: number): number | undefined {
  if (plan.app.hostAccess.hostNetwork) return containerPort;
  return plan.ports.find((p) => p.container === containerPort && p.protocol === 'tcp')?.host;
}

/**
 * Removes a failed install's container. Docker can refuse for a moment (a container restarting
 * under its restart policy, a removal already under way, a busy connection): tried a few times,
 * as a container left behind would restart on the user's server for ever.
 */
async function removeLeftover(container: Docker.Container, attempts = 4): Promise<void> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await container.remove({ force: true, v: false });
      return;
    } catch (err) {
      if (engineStatus(err) === 404) return;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}
