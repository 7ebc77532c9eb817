/**
 * What other plugins may use from the backup plugin: the service (export and import) and the
 * table registry, where a plugin declares its own tables so their rows travel in backups with
 * the right matching rules (a table nobody declares is carried only as history).
 */
import { AsyncSeriesHook } from 'tapable';
import { createServiceToken, defineHookSet, type CallContext } from '@tomo/kernel';
import type { BackupService } from './backup-service';
import type { OnConflict } from './import/applier';
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

/**
 * Events of the backup plugin, for the activity log and others. `call` says who and through which
 * door (absent when a plugin called the service without one). Never a password or a row's content.
 */
export const backupHooks = defineHookSet('backup', () => ({
  /** An export ended: `result` ok with the rows per table, or failed with why. */
  exportFinished: new AsyncSeriesHook<[{ call?: CallContext; result: 'ok' | 'failed'; includeHistory: boolean; counts?: Record<string, number>; bytes?: number; error?: string }]>(['event']),
  /** An import was applied (or failed while checked or applied); previews and dry runs are not events. */
  importFinished: new AsyncSeriesHook<[{ call?: CallContext; result: 'ok' | 'failed'; onConflict: OnConflict; added?: number; replaced?: number; skipped?: number; error?: string }]>(['event']),
}));

export const BackupTokens = Object.freeze({
  BackupService: createServiceToken<BackupService>('backup.BackupService'),
  Tables: createServiceToken<BackupTables>('backup.Tables'),
});
