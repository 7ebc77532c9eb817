import { servicesOf } from '../catalog';
import type { AppDefinition } from '../catalog/definition-schema';
import { waitAnswers, type ComposePlan } from '../compose/compose-install';
import type { ComposeProgram } from '../compose/compose-argv';
import type { ComposeRunner } from '../compose/compose-runner';
import { composeProjectFor } from '../compose/project-input';
import type { ResolvedInstall } from '../install';
import type { ServerEngine } from '../services/engine-access';
import type { InstallProgress } from '../services/install-progress';
import { pullImage } from '../services/installer';
import type { ServiceImageView } from '../views';
import { localDigest, pinnedReference } from './image-digests';
import { restoreSnapshot } from './snapshots';
import { elapsed, failureMessage, rollbackPhase, snapshotPhase } from './update-phases';
import type { TakenSnapshot, UpdateOutcome, UpdateTimings } from './update-types';

/** One installation deployed as a Compose project, as an update sees it. */
export interface ComposeTarget {
  installationId: string;
  serverId: string;
  dataDir: string;
  resolved: ResolvedInstall;
  program: ComposeProgram;
  pullTimeoutMs: number;
}

/**
 * Compose prints a line per container step before the one that says why it failed: the reason of
 * a failed update keeps what it was doing and that last line ("Could not start the app: container
 * … is unhealthy").
 */
export function conciseFailure(err: unknown): string {
  const message = failureMessage(err);
  const lines = message.trim().split('\n');
  if (lines.length === 1) return message;
  const head = lines[0].slice(0, lines[0].indexOf(':') + 1) || lines[0];
  return `${head} ${lines[lines.length - 1].trim()}`;
}

/**
 * The definition with every service's image pinned to the digest it ran (`repo@sha256:…`), so
 * that going back runs exactly the previous images even when their tags moved on.
 */
export function pinnedApp(app: AppDefinition, images: readonly ServiceImageView[]): AppDefinition {
  const pin = (service: string, image: string) => {
    const digest = (images.find((i) => i.service === service) ?? images.find((i) => i.image === image))?.digest;
    return digest ? pinnedReference(image, digest) : image;
  };
  const first = servicesOf(app)[0];
  return {
    ...app,
    image: pin(first.name, app.image),
    ...(app.services ? { services: app.services.map((s) => ({ ...s, image: pin(s.name, s.image) })) } : {}),
  };
}

function planOf(target: ComposeTarget, app: AppDefinition): ComposePlan & { projectName: string } {
  const project = composeProjectFor({ app, resolved: target.resolved, installationId: target.installationId, serverId: target.serverId, dataDir: target.dataDir });
  return { app, program: target.program, yaml: project.yaml, holdsSecrets: project.holdsSecrets, services: project.services, ports: target.resolved.ports, projectName: project.projectName };
}

/** Writes the project's compose file for `app` and brings it up (Compose recreates what changed), then the app's own check. */
async function deploy(target: ComposeTarget, app: AppDefinition, runner: ComposeRunner, engine: ServerEngine, onLine: (line: string) => void): Promise<{ plan: ComposePlan; detail: string; upMs: number; healthMs: number }> {
  const plan = planOf(target, app);
  let t = process.hrtime.bigint();
  await runner.writeFile(plan.yaml, plan.holdsSecrets);
  await runner.up(app.healthcheck?.timeoutSeconds ?? 120);
  const upMs = elapsed(t);
  t = process.hrtime.bigint();
  const detail = await waitAnswers(plan, engine, runner.target.project, onLine);
  return { plan, detail, upMs, healthMs: elapsed(t) };
}

/**
 * Updates a Compose installation: stop, snapshot of the data folder, pull of every new image,
 * the compose file regenerated from the new definition and `up` (Compose recreates the changed
 * services and waits for their health checks), then the app's own check. On a failure the data
 * folder is restored and the project brought up again from the previous definition pinned to the
 * previous digests. Named volumes of multi-service apps are not part of the snapshot.
 */
export async function runComposeUpdate(
  target: ComposeTarget,
  from: { app: AppDefinition; images: readonly ServiceImageView[] },
  to: { app: AppDefinition },
  runner: ComposeRunner,
  engine: ServerEngine,
  progress: InstallProgress,
  onSnapshot: (snapshot: TakenSnapshot | null) => Promise<void>,
): Promise<UpdateOutcome> {
  const started = process.hrtime.bigint();
  const timings: UpdateTimings = { totalMs: 0, snapshotMs: 0, pullMs: 0, recreateMs: 0, healthMs: 0 };
  const previous = pinnedApp(from.app, from.images);
  const hasData = from.app.volumes.some((v) => v.kind === 'data');

  const snapshotFile = await snapshotPhase(
    { engine, progress, timings, onSnapshot },
    { hasData, dataDir: target.dataDir, image: previous.image, stop: () => runner.stop(), start: () => runner.start() },
  );

  let t = process.hrtime.bigint();
  await progress.set('pull', 'running');
  const images = [...new Set(servicesOf(to.app).map((s) => s.image))];
  try {
    for (const [i, image] of images.entries()) {
      const prefix = images.length > 1 ? `${image} (${i + 1}/${images.length}): ` : '';
      await pullImage(engine.docker, image, target.pullTimeoutMs, (line) => progress.detail('pull', `${prefix}${line}`));
    }
  } catch (err) {
    await runner.start().catch(() => undefined);
    throw err;
  }
  await progress.set('pull', 'done', `${images.join(', ')} downloaded`);
  timings.pullMs = elapsed(t);

  let reason: string;
  try {
    await progress.set('recreate', 'running');
    const plan = planOf(target, to.app);
    t = process.hrtime.bigint();
    await runner.writeFile(plan.yaml, plan.holdsSecrets);
    await runner.up(to.app.healthcheck?.timeoutSeconds ?? 120);
    timings.recreateMs += elapsed(t);
    await progress.set('recreate', 'done', `Compose recreated ${plan.services.map((s) => s.name).join(', ')}`);
    t = process.hrtime.bigint();
    await progress.set('health', 'running');
    const detail = await waitAnswers(plan, engine, runner.target.project, (line) => progress.detail('health', line));
    timings.healthMs = elapsed(t);
    await progress.set('health', 'done', detail);
    await progress.set('rollback', 'skipped', 'Not needed: the new version answers');
    const recorded = await Promise.all(plan.services.map(async (s) => ({ service: s.name, image: s.image, digest: await localDigest(engine.docker, s.image).catch(() => null) })));
    timings.totalMs = elapsed(started);
    return { result: 'updated', images: recorded, timings };
  } catch (err) {
    reason = conciseFailure(err);
    await progress.set(progress.current(), 'failed', reason);
  }

  return rollbackPhase({ progress, timings, started }, reason, previous.image, async () => {
    t = process.hrtime.bigint();
    await runner.stop().catch(() => undefined);
    timings.recreateMs += elapsed(t);
    if (snapshotFile) await restoreSnapshot(engine, target.dataDir, snapshotFile, previous.image);
    const back = await deploy(target, previous, runner, engine, (line) => progress.detail('rollback', line));
    timings.recreateMs += back.upMs;
    timings.healthMs += back.healthMs;
  });
}

/** Puts a Compose installation back to a snapshot by hand: stop, restore, the snapshot's definition pinned to its digests, up, check. */
export async function runComposeRestore(
  target: ComposeTarget,
  to: { app: AppDefinition; images: readonly ServiceImageView[]; file: string | null },
  runner: ComposeRunner,
  engine: ServerEngine,
  progress: InstallProgress,
): Promise<void> {
  const app = pinnedApp(to.app, to.images);
  await progress.set('restore', 'running');
  await runner.stop();
  if (to.file) await restoreSnapshot(engine, target.dataDir, to.file, app.image);
  await progress.set('restore', 'done', to.file ? `Data restored from ${to.file}` : 'The app keeps no data folder on the server');
  await progress.set('recreate', 'running');
  const plan = planOf(target, app);
  await runner.writeFile(plan.yaml, plan.holdsSecrets);
  await runner.up(app.healthcheck?.timeoutSeconds ?? 120);
  await progress.set('recreate', 'done', `Compose recreated ${plan.services.map((s) => s.name).join(', ')}`);
  await progress.set('health', 'running');
  await progress.set('health', 'done', await waitAnswers(plan, engine, runner.target.project, (line) => progress.detail('health', line)));
}
