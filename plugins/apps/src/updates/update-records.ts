import type { InstallationEntity } from '../entities/installation.entity';
import type { InstallationUpdatesView, ServiceImageView, SnapshotView, UpdateCheckView, UpdateOutcomeView } from '../views';

/** A snapshot as stored: what is shown, plus the app definition the data belonged to (for a rollback). */
export interface SnapshotRecord extends SnapshotView {
  definitionJson: string;
  image: string;
}

/** The stored update state of an installation (`updateJson`). */
export interface UpdateRecord {
  check: UpdateCheckView | null;
  last: UpdateOutcomeView | null;
}

/** How many snapshots are kept per installation (the oldest goes when a fourth is taken). */
export const SNAPSHOTS_KEPT = 3;

export function imagesOf(row: Pick<InstallationEntity, 'imageDigestsJson'>): ServiceImageView[] {
  return row.imageDigestsJson ? (JSON.parse(row.imageDigestsJson) as ServiceImageView[]) : [];
}

export function snapshotsOf(row: Pick<InstallationEntity, 'snapshotsJson'>): SnapshotRecord[] {
  return row.snapshotsJson ? (JSON.parse(row.snapshotsJson) as SnapshotRecord[]) : [];
}

export function updateRecordOf(row: Pick<InstallationEntity, 'updateJson'>): UpdateRecord {
  return row.updateJson ? (JSON.parse(row.updateJson) as UpdateRecord) : { check: null, last: null };
}

/** The updates part of an installation's view (no secret is ever part of it). */
export function toUpdatesView(row: InstallationEntity, operation: InstallationUpdatesView['operation']): InstallationUpdatesView {
  const definition = JSON.parse(row.definitionJson) as { version?: string };
  const record = updateRecordOf(row);
  return {
    installedVersion: definition.version ?? null,
    images: imagesOf(row),
    check: record.check,
    last: record.last,
    snapshots: snapshotsOf(row).map(({ id, createdAt, file, sizeBytes, appVersion, images }) => ({ id, createdAt, file, sizeBytes, appVersion, images })),
    operation,
  };
}
