import type { ServiceImageView } from '../views';

/** Where an update's time went, in ms (the benchmark subtracts pull, recreate and health wait from the total). */
export interface UpdateTimings {
  totalMs: number;
  snapshotMs: number;
  pullMs: number;
  recreateMs: number;
  healthMs: number;
}

/** A snapshot just taken, for the caller to record before anything else changes. */
export interface TakenSnapshot {
  file: string;
  sizeBytes: number | null;
}

/** How an update ended: the new version runs, or it failed and the previous one runs again (or not). */
export type UpdateOutcome =
  | { result: 'updated'; images: ServiceImageView[]; timings: UpdateTimings }
  | { result: 'rolled_back'; reason: string; timings: UpdateTimings }
  | { result: 'rollback_failed'; reason: string; rollbackError: string; timings: UpdateTimings };
