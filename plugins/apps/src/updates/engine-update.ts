import type Docker from 'dockerode';
import type { AppDefinition } from '../catalog/definition-schema';
import { buildContainerSpec, type ResolvedInstall } from '../install';
import type { ServerEngine } from '../services/engine-access';
import type { InstallProgress } from '../services/install-progress';
import { engineMessage, engineStatus, InstallFailure, pullImage, waitHealthy, type InstallPlan } from '../services/installer';
import type { ServiceImageView } from '../views';
import { localDigest, pinnedReference } from './image-digests';
import { restoreSnapshot } from './snapshots';
import { elapsed, failureMessage, rollbackPhase, snapshotPhase } from './update-phases';
import type { TakenSnapshot, UpdateOutcome, UpdateTimings } from './update-types';

/** One installation made of one container through the Engine API, as an update sees it. */
export interface EngineTarget {
  installationId: string;
  serverId: string;
  containerName: string;
  dataDir: string;
  /** The settings, ports and capabilities as installed (secrets unsealed only for the container's environment). */
  resolved: ResolvedInstall;
  stopTimeoutSeconds: number;
  pullTimeoutMs: number;
}

/** The digest the previous version ran, pinned (`repo@sha256:…`), or its tag when it was never pulled by digest. */
export function previousReference(images: readonly ServiceImageView[], image: string): string {
  const digest = images[0]?.digest;
  return digest ? pinnedReference(image, digest) : image;
}

/**
 * Updates a one-container installation: stop, snapshot of the data folder, pull of the new image,
 * the container recreated from the new definition with the same settings, and the app's health
 * check. When the new container does not come up healthy, the update is undone: the data folder
 * is restored from the snapshot and the container is recreated from the previous definition,
 * pinned to the previous image digest, and must pass its health check again.
 */
export async function runEngineUpdate(
  target: EngineTarget,
  from: { app: AppDefinition; images: readonly ServiceImageView[] },
  to: { app: AppDefinition },
  engine: ServerEngine,
  progress: InstallProgress,
  onSnapshot: (snapshot: TakenSnapshot | null) => Promise<void>,
): Promise<UpdateOutcome> {
  const started = process.hrtime.bigint();
  const timings: UpdateTimings = { totalMs: 0, snapshotMs: 0, pullMs: 0, recreateMs: 0, healthMs: 0 };
  const docker = engine.docker;
  const previousImage = previousReference(from.images, from.app.image);
  const hasData = from.app.volumes.some((v) => v.kind === 'data');

  const snapshotFile = await snapshotPhase(
    { engine, progress, timings, onSnapshot },
    { hasData, dataDir: target.dataDir, image: previousImage, stop: () => stopContainer(docker, target), start: () => startContainer(docker, target) },
  );

  let t = process.hrtime.bigint();
  await progress.set('pull', 'running');
  try {
    await pullImage(docker, to.app.image, target.pullTimeoutMs, (line) => progress.detail('pull', line));
  } catch (err) {
    // Nothing changed yet: the previous container starts again as it was.
    await startContainer(docker, target).catch(() => undefined);
    throw err;
  }
  await progress.set('pull', 'done', `${to.app.image} downloaded`);
  timings.pullMs = elapsed(t);

  let reason: string;
  try {
    t = process.hrtime.bigint();
    await progress.set('recreate', 'running');
    const container = await recreate(docker, target, to.app, to.app.image);
    timings.recreateMs += elapsed(t);
    await progress.set('recreate', 'done', `${target.containerName} runs ${to.app.image}`);
    t = process.hrtime.bigint();
    await progress.set('health', 'running');
    const detail = await waitHealthy(planFor(target, to.app), engine, container, (line) => progress.detail('health', line));
    timings.healthMs = elapsed(t);
    await progress.set('health', 'done', detail);
    const digest = await localDigest(docker, to.app.image).catch(() => null);
    await progress.set('rollback', 'skipped', 'Not needed: the new version answers');
    timings.totalMs = elapsed(started);
    return { result: 'updated', images: [{ service: to.app.id, image: to.app.image, digest }], timings };
  } catch (err) {
    reason = failureMessage(err);
    await progress.set(progress.current(), 'failed', reason);
  }

  // Roll back: the previous data and the previous image digest.
  return rollbackPhase({ progress, timings, started }, reason, previousImage, async () => {
    t = process.hrtime.bigint();
    await removeContainer(docker, target);
    timings.recreateMs += elapsed(t);
    if (snapshotFile) await restoreSnapshot(engine, target.dataDir, snapshotFile, previousImage);
    t = process.hrtime.bigint();
    const container = await recreate(docker, target, from.app, previousImage);
    timings.recreateMs += elapsed(t);
    t = process.hrtime.bigint();
    await waitHealthy(planFor(target, from.app), engine, container, (line) => progress.detail('rollback', line));
    timings.healthMs += elapsed(t);
  });
}

/**
 * Puts a one-container installation back to a snapshot by hand: stop, restore the data folder,
 * recreate the container from the snapshot's definition pinned to its image digest, health check.
 */
export async function runEngineRestore(
  target: EngineTarget,
  to: { app: AppDefinition; images: readonly ServiceImageView[]; file: string | null },
  engine: ServerEngine,
  progress: InstallProgress,
): Promise<UpdateTimings> {
  const started = process.hrtime.bigint();
  const timings: UpdateTimings = { totalMs: 0, snapshotMs: 0, pullMs: 0, recreateMs: 0, healthMs: 0 };
  const docker = engine.docker;
  const image = previousReference(to.images, to.app.image);
  await progress.set('restore', 'running');
  await removeContainer(docker, target);
  if (to.file) await restoreSnapshot(engine, target.dataDir, to.file, image);
  await progress.set('restore', 'done', to.file ? `Data restored from ${to.file}` : 'The app keeps no data on the server');
  await progress.set('recreate', 'running');
  const container = await recreate(docker, target, to.app, image);
  await progress.set('recreate', 'done', `${target.containerName} runs ${image}`);
  await progress.set('health', 'running');
  const detail = await waitHealthy(planFor(target, to.app), engine, container, (line) => progress.detail('health', line));
  await progress.set('health', 'done', detail);
  timings.totalMs = elapsed(started);
  return timings;
}

function planFor(target: EngineTarget, app: AppDefinition): InstallPlan {
  const spec = buildContainerSpec({ app, resolved: target.resolved, installationId: target.installationId, serverId: target.serverId, containerName: target.containerName, dataDir: target.dataDir });
  return { serverId: target.serverId, app, spec, ports: target.resolved.ports };
}

/** Removes the installation's container and creates it again from `app` running `image`, then starts it. */
async function recreate(docker: Docker, target: EngineTarget, app: AppDefinition, image: string): Promise<Docker.Container> {
  await removeContainer(docker, target);
  const { spec } = planFor(target, { ...app, image });
  let container: Docker.Container;
  try {
    container = await docker.createContainer(spec);
  } catch (err) {
    throw new InstallFailure(`Docker refused to create the container: ${engineMessage(err)}`);
  }
  try {
    await container.start();
  } catch (err) {
    throw new InstallFailure(`The container did not start: ${engineMessage(err)}`);
  }
  return container;
}

async function stopContainer(docker: Docker, target: EngineTarget): Promise<void> {
  try {
    await docker.getContainer(target.containerName).stop({ t: target.stopTimeoutSeconds });
  } catch (err) {
    // 304: already stopped; 404: gone (recreated below all the same).
    if (engineStatus(err) !== 304 && engineStatus(err) !== 404) throw new InstallFailure(`Docker could not stop the app: ${engineMessage(err)}`);
  }
}

async function startContainer(docker: Docker, target: EngineTarget): Promise<void> {
  try {
    await docker.getContainer(target.containerName).start();
  } catch (err) {
    if (engineStatus(err) !== 304) throw err;
  }
}

async function removeContainer(docker: Docker, target: EngineTarget): Promise<void> {
  try {
    await docker.getContainer(target.containerName).remove({ force: true, v: false });
  } catch (err) {
    if (engineStatus(err) !== 404) throw new InstallFailure(`Docker could not remove the container: ${engineMessage(err)}`);
  }
}
