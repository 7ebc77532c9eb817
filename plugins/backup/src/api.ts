/**
 * What other plugins may use from the backup plugin: the service (export and import) and the
 * table registry, where a plugin declares its own tables so their rows travel in backups with
 * the right matching rules (a table nobody declares is carried only as history).
 */
import { createServiceToken } from '@tomo/kernel';
import type { BackupService } from './backup-service';
import type { TableSpec } from './tables';

export type { BackupService } from './backup-service';
export type { TableSpec } from './tables';
export type { ImportSummary } from './import/import-backup';
export type { OnConflict, TableOutcome, Conflict } from './import/applier';
export { BackupError, type BackupErrorCode } from './errors';

/** Declare a table: `ctx.resolve(BackupTokens.Tables).add({ table: 'monitoring_samples', label: 'metric samples', history: true })`. */
export interface BackupTables {
  add(spec: TableSpec): void;
}

export const BackupTokens = Object.freeze({
  BackupService: createServiceToken<BackupService>('backup.BackupService'),
  Tables: createServiceToken<BackupTables>('backup.Tables'),
});
