import type { InstallStepId, InstallStepView } from '../views';

const UPDATE: ReadonlyArray<[InstallStepId, string]> = [
  ['check', 'Check the update'],
  ['snapshot', 'Snapshot the data'],
  ['pull', 'Get the new image'],
  ['recreate', 'Recreate the container'],
  ['health', 'Check that the app answers'],
  ['rollback', 'Roll back if it does not'],
];

const ROLLBACK: ReadonlyArray<[InstallStepId, string]> = [
  ['check', 'Check the snapshot'],
  ['restore', 'Restore the data'],
  ['recreate', 'Recreate the container'],
  ['health', 'Check that the app answers'],
];

/** The steps of an update (or of a rollback by hand), the first one done with `checked`. */
export function operationSteps(kind: 'update' | 'rollback', checked: string): InstallStepView[] {
  return (kind === 'update' ? UPDATE : ROLLBACK).map(([id, title], i) => ({ id, title, state: i === 0 ? 'done' : 'pending', detail: i === 0 ? checked : null }));
}
