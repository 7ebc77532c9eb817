import type { AppDefinition } from '../catalog/definition-schema';
import type { ResolvedPort } from '../install';
import type { ServerEngine } from '../services/engine-access';
import type { InstallProgress } from '../services/install-progress';
import { imagePresent, InstallFailure, pullImage, type InstallTimings } from '../services/installer';
import type { ComposeRunner } from './compose-runner';
import { PROJECT_LABEL, SERVICE_LABEL, type ComposeProgram } from './compose-argv';

/** Everything decided before a Compose install runs in the background. */
export interface ComposePlan {
  app: AppDefinition;
  /** How Compose is called on the server. */
  program: ComposeProgram;
  /** The generated compose file and whether it holds secret values. */
  yaml: string;
  holdsSecrets: boolean;
  /** The project's service names and images. */
  services: ReadonlyArray<{ name: string; image: string }>;
  ports: ResolvedPort[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsed = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

/**
 * Runs the server side of a Compose install: images pulled through the Engine API when absent
 * (with progress lines, so Compose itself never pulls), the compose file written, the project
 * created, started in dependency order and waited for until every service is healthy, then the
 * app's own health check probed on its published port. On a failure after the project exists its
 * containers and network are removed again (named volumes, data folders and the compose file
 * stay, for an uninstall to remove with the data) and an {@link InstallFailure} says why.
 */
export async function runComposeInstall(
  plan: ComposePlan,
  runner: ComposeRunner,
  engine: ServerEngine,
  progress: InstallProgress,
  options: { pullTimeoutMs: number },
): Promise<{ timings: InstallTimings; containerId: string | null }> {
  const started = process.hrtime.bigint();
  const timings: InstallTimings = { totalMs: 0, pullMs: 0, createMs: 0, startMs: 0, healthMs: 0 };
  const images = [...new Set(plan.services.map((s) => s.image))];

  let t = process.hrtime.bigint();
  await progress.set('pull', 'running');
  const missing: string[] = [];
  for (const image of images) if (!(await imagePresent(engine.docker, image))) missing.push(image);
  for (const [i, image] of missing.entries()) {
    const prefix = missing.length > 1 ? `${image} (${i + 1}/${missing.length}): ` : '';
    await pullImage(engine.docker, image, options.pullTimeoutMs, (line) => progress.detail('pull', `${prefix}${line}`));
  }
  if (missing.length === 0) await progress.set('pull', 'skipped', `${images.join(', ')} already on the server`);
  else await progress.set('pull', 'done', `${missing.join(', ')} downloaded`);
  timings.pullMs = elapsed(t);

  t = process.hrtime.bigint();
  await progress.set('create', 'running');
  await runner.writeFile(plan.yaml, plan.holdsSecrets);
  try {
    // createMs is Compose's own work (the benchmark counts writing the file as Tomo's).
    t = process.hrtime.bigint();
    await runner.create();
    timings.createMs = elapsed(t);
    await progress.set('create', 'done', `${plan.services.length === 1 ? 'One service' : `${plan.services.length} services`} in the Compose project ${runner.target.project}`);

    t = process.hrtime.bigint();
    await progress.set('start', 'running');
    const check = plan.app.healthcheck;
    await runner.up(check?.timeoutSeconds ?? 120);
    timings.startMs = elapsed(t);
    await progress.set('start', 'done', plan.services.length === 1 ? 'The container runs' : 'Every service runs (and is healthy, where it has a health check)');

    t = process.hrtime.bigint();
    await progress.set('health', 'running');
    const detail = await waitAnswers(plan, engine, runner.target.project, (line) => progress.detail('health', line));
    timings.healthMs = elapsed(t);
    await progress.set('health', 'done', detail);
  } catch (err) {
    // Leave nothing running half-done: containers and network go; volumes, data and the file stay.
    await runner.down(false, { keepFolder: true }).catch(() => undefined);
    throw err;
  }
  timings.totalMs = elapsed(started);
  return { timings, containerId: await mainContainerId(engine, runner.target.project, plan.services[0]?.name) };
}

/**
 * The container of the app's first service: recorded as the installation's container, so what
 * follows one container per app (the monitoring poller's readings) follows the app's main one.
 */
async function mainContainerId(engine: ServerEngine, project: string, service: string | undefined): Promise<string | null> {
  if (!service) return null;
  const containers = await engine.docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`, `${SERVICE_LABEL}=${service}`] } });
  return containers[0]?.Id ?? null;
}

/** How long every service must keep running after Compose started them, for an app without a check of its own. */
const SETTLE_MS = 2000;

/**
 * The app's own health check (the definition's HTTP path or TCP port, probed on the server on
 * its published port) until it answers. Throughout, and for {@link SETTLE_MS} at least when there
 * is no check, every service must keep running: one that exits or is restarted by its restart
 * policy fails the install at once, with its exit code.
 */
export async function waitAnswers(plan: ComposePlan, engine: ServerEngine, project: string, onLine: (line: string) => void): Promise<string> {
  const check = plan.app.healthcheck;
  const hostPort = !check ? undefined : plan.app.hostAccess.hostNetwork ? check.port : plan.ports.find((p) => p.container === check.port && p.protocol === 'tcp')?.host;
  const settleUntil = Date.now() + SETTLE_MS;
  const deadline = Date.now() + (check?.timeoutSeconds ?? 30) * 1000;
  const intervalMs = Math.min((check?.intervalSeconds ?? 1) * 1000, 2000);
  const single = plan.services.length === 1;
  for (let attempt = 0; ; attempt++) {
    await failIfStopped(engine, project, single);
    if (!check || hostPort === undefined) {
      if (Date.now() >= settleUntil) {
        if (check) return `Every service is running (port ${check.port} is not published, so it was not probed)`;
        return single ? 'The container is running' : 'Every service is running';
      }
      await sleep(SETTLE_MS / 4);
      continue;
    }
    const result = check.type === 'http'
      ? await engine.probeHttp(hostPort, check.path, check.expectStatus, Math.max(1000, Math.min(5000, deadline - Date.now())))
      : await engine.probeTcp(hostPort);
    if (result.ok) return result.detail;
    onLine(`Waiting for the app to answer (${result.detail})`);
    if (Date.now() >= deadline) throw new InstallFailure(`The app did not answer within ${check.timeoutSeconds} s (last try: ${result.detail})`);
    await sleep(attempt < 10 ? Math.min(200, intervalMs) : intervalMs);
  }
}

/** Throws when a container of the project has stopped or was restarted since Compose started it (a crash during install). */
async function failIfStopped(engine: ServerEngine, project: string, single: boolean): Promise<void> {
  const containers = await engine.docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  for (const c of containers) {
    const info = await engine.docker.getContainer(c.Id).inspect();
    const state = info.State;
    if (state.Status === 'exited' || state.Status === 'dead' || state.Restarting || info.RestartCount > 0) {
      const who = single ? 'The container' : `The service ${c.Labels?.[SERVICE_LABEL] ?? info.Name.replace(/^\//, '')}`;
      throw new InstallFailure(`${who} stopped right after starting (exit code ${state.ExitCode}${state.Error ? `: ${state.Error}` : ''}); see its logs on the server`);
    }
  }
}
