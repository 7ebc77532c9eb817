import type { ServerEngine } from '../services/engine-access';
import type { InstallProgress } from '../services/install-progress';
import { InstallFailure } from '../services/installer';
import { takeSnapshot } from './snapshots';
import type { TakenSnapshot, UpdateOutcome, UpdateTimings } from './update-types';

/**
 * The phases an update takes the same way whatever deploys the app (one container through the
 * Engine API, or a Compose project): the data snapshot before anything changes, and the rollback
 * once something failed. The deploy-specific parts come in as callbacks.
 */

export const elapsed = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

/** A failure as the user reads it: an install step's own message, anything else marked unexpected. */
export function failureMessage(err: unknown): string {
  return err instanceof InstallFailure ? err.message : `Unexpected error: ${(err as Error).message}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Stops the app (`stop`, the engine's time: counted as recreating) and archives its data folder
 * with `image` (Tomo's time). A snapshot that fails starts the app again (`start`) before the
 * error goes on: nothing has changed yet. Returns the snapshot's file, or null for an app
 * without a data folder.
 */
export async function snapshotPhase(
  step: { engine: ServerEngine; progress: InstallProgress; timings: UpdateTimings; onSnapshot(snapshot: TakenSnapshot | null): Promise<void> },
  app: { hasData: boolean; dataDir: string; image: string; stop(): Promise<void>; start(): Promise<void> },
): Promise<string | null> {
  let t = process.hrtime.bigint();
  await step.progress.set('snapshot', 'running', 'Stopping the app, so that no file changes while it is archived');
  await app.stop();
  step.timings.recreateMs += elapsed(t);
  t = process.hrtime.bigint();
  let file: string | null = null;
  if (app.hasData) {
    let snapshot: TakenSnapshot;
    try {
      snapshot = await takeSnapshot(step.engine, app.dataDir, app.image, new Date().toISOString().replace(/[-:.]/g, ''));
    } catch (err) {
      await app.start().catch(() => undefined);
      throw err;
    }
    file = snapshot.file;
    await step.onSnapshot(snapshot);
    await step.progress.set('snapshot', 'done', `${snapshot.file}${snapshot.sizeBytes === null ? '' : ` (${formatBytes(snapshot.sizeBytes)})`}`);
  } else {
    await step.onSnapshot(null);
    await step.progress.set('snapshot', 'skipped', 'The app keeps no data folder on the server');
  }
  step.timings.snapshotMs = elapsed(t);
  return file;
}

/**
 * Undoes a failed update with `undo` (the previous data and images back, health checked) and says
 * how it ended; the update's own failure `reason` travels with the outcome either way.
 */
export async function rollbackPhase(
  step: { progress: InstallProgress; timings: UpdateTimings; started: bigint },
  reason: string,
  previousImage: string,
  undo: () => Promise<void>,
): Promise<UpdateOutcome> {
  await step.progress.set('rollback', 'running', `Going back to ${previousImage}`);
  try {
    await undo();
  } catch (err) {
    const rollbackError = failureMessage(err);
    await step.progress.set('rollback', 'failed', rollbackError);
    step.timings.totalMs = elapsed(step.started);
    return { result: 'rollback_failed', reason, rollbackError, timings: step.timings };
  }
  await step.progress.set('rollback', 'done', `${previousImage} runs again with the data from before the update`);
  step.timings.totalMs = elapsed(step.started);
  return { result: 'rolled_back', reason, timings: step.timings };
}
