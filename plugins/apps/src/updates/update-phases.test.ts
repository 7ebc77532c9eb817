import { InstallProgress } from '../services/install-progress';
import { InstallFailure } from '../services/installer';
import { formatBytes, rollbackPhase } from './update-phases';
import type { UpdateTimings } from './update-types';

const updateSteps = () =>
  ['snapshot', 'pull', 'recreate', 'health', 'rollback'].map((id) => ({ id, title: id, state: 'pending', detail: null })) as unknown as ConstructorParameters<typeof InstallProgress>[0];
const timings = (): UpdateTimings => ({ totalMs: 0, snapshotMs: 0, pullMs: 0, recreateMs: 0, healthMs: 0 });
const rollbackStep = (p: InstallProgress) => p.steps.find((s) => (s.id as string) === 'rollback')!;

describe('rollbackPhase', () => {
  test('an undo that works: rolled back, with the update failure as the reason', async () => {
    const progress = new InstallProgress(updateSteps(), async () => undefined);
    const outcome = await rollbackPhase({ progress, timings: timings(), started: process.hrtime.bigint() }, 'The app did not answer', 'web@sha256:1', async () => undefined);
    expect(outcome).toMatchObject({ result: 'rolled_back', reason: 'The app did not answer' });
    expect(rollbackStep(progress)).toMatchObject({ state: 'done', detail: 'web@sha256:1 runs again with the data from before the update' });
  });

  test('an undo that fails: rollback_failed with both reasons, the step failed with the undo error', async () => {
    const progress = new InstallProgress(updateSteps(), async () => undefined);
    const outcome = await rollbackPhase({ progress, timings: timings(), started: process.hrtime.bigint() }, 'The app did not answer', 'web@sha256:1', async () => {
      throw new InstallFailure('Docker refused to create the container: no space left');
    });
    expect(outcome).toMatchObject({ result: 'rollback_failed', reason: 'The app did not answer', rollbackError: 'Docker refused to create the container: no space left' });
    expect(rollbackStep(progress)).toMatchObject({ state: 'failed', detail: 'Docker refused to create the container: no space left' });
    expect(outcome.timings.totalMs).toBeGreaterThanOrEqual(0);
  });

  test('an unexpected error in the undo is marked as such', async () => {
    const progress = new InstallProgress(updateSteps(), async () => undefined);
    const outcome = await rollbackPhase({ progress, timings: timings(), started: process.hrtime.bigint() }, 'x', 'web:1', async () => {
      throw new Error('socket hang up');
    });
    expect(outcome).toMatchObject({ result: 'rollback_failed', rollbackError: 'Unexpected error: socket hang up' });
  });
});

test('formatBytes', () => {
  expect([formatBytes(138), formatBytes(2048), formatBytes(3 * 1024 * 1024)]).toEqual(['138 B', '2.0 KiB', '3.0 MiB']);
});
