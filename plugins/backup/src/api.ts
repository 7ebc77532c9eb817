/**
 * The backup plugin's contract: what other plugins may use. Plain types, the service interface,
 * its token, its hooks and the `backup.tables` extension point through which every plugin (built-in
 * or third-party) declares its own tables, so backup itself knows no other plugin's schema.
 * Imports nothing of this plugin's own modules: they import from here, never the other way.
 */
import { AsyncSeriesHook } from 'tapable';
import type { Readable, Writable } from 'node:stream';
import { createExtensionPoint, createServiceToken, defineHookSet, type CallContext, type TomoConfig } from '@tomo/kernel';

export type { BackupErrorCode } from './errors';

/**
 * One table a plugin carries in backups, and how its rows find their match on the instance they
 * are imported into. Tables refer to each other by name; backup orders them so parents come
 * before the rows that point at them (contribution order does not matter).
 */
export interface BackupTableSpec {
  table: string;
  /** What a person calls these rows, for summaries and progress ("pinned notes"). */
  label: string;
  /** Only with `--include-history` (activity, metrics: large, and not needed to run). */
  history?: boolean;
  /** Columns holding vault-sealed values bound to the row's `id`: opened on export, sealed again for the new id on import. */
  sealed?: readonly string[];
  /** Columns that point at another carried table's `id`: remapped when that row matched an existing one. */
  refs?: Readonly<Record<string, string>>;
  /**
   * Columns that name the same record on another instance, besides its id: each inner list is
   * one unique key, compared after reference columns were remapped.
   */
  naturalKeys?: readonly (readonly string[])[];
  /** Rows that belong to a parent row follow its fate (inserted, replaced, or skipped with it). */
  owner?: { column: string; table: string };
  /**
   * The id is an integer the database hands out: not carried, a new one is given on import (with
   * `naturalKeys`, rows are matched by those only, and rows whose `refs` point here follow the new id).
   */
  generatedId?: boolean;
  /**
   * Rows of other tables that stop being valid when an import replaces one of these rows, found
   * by the column holding its id: deleted then (a replaced user's sessions end).
   */
  deleteOnReplace?: readonly { table: string; column: string }[];
  /** Renders a row's natural key for the conflict list (no secret, ever). */
  describe?(row: Record<string, unknown>): string;
  /**
   * Brings a row of a backup made before one of the owner's migrations to this Tomo's shape (a
   * column renamed, values in new units, a key looked up in another table), so older backups keep
   * importing. Called for every row of the table, before its columns are checked, after `refs`
   * were remapped (columns the spec no longer names are not: map them with `ctx.targetId`). The
   * owner decides from `ctx.backupMigrations` whether anything is to do; a row already current is
   * returned as is. Returns the row to import, or null to leave it out (counted as skipped), or a
   * promise of either (reading the database is asynchronous). Throws to refuse the whole import
   * (say why: the message reaches the person importing).
   */
  upgradeRow?(row: Record<string, BackupValue>, ctx: BackupRowUpgrade): Record<string, BackupValue> | null | Promise<Record<string, BackupValue> | null>;
}

/** A database value as a backup row holds it (a BLOB as a Buffer). */
export type BackupValue = string | number | bigint | Buffer | null;

/** What an owner's {@link BackupTableSpec.upgradeRow} gets to work with. */
export interface BackupRowUpgrade {
  /** Names of the migrations applied on the source when the backup was made (its manifest's `schemaMigrations`). */
  backupMigrations: ReadonlySet<string>;
  /**
   * The id on this instance of a row of a carried table, from its id in the backup (parents are
   * imported first): the matched row's when it matched one here, else the backup's; undefined
   * when the backup holds no such row.
   */
  targetId(table: string, backupId: string): string | undefined;
  /**
   * The import's own connection, inside its transaction (the kernel's would wait for it), on
   * either engine: portable SQL (double-quoted identifiers, `?` parameters). Read with `get`;
   * `run` writes (a key row the upgraded rows point at) and is refused in a dry run. After an
   * INSERT, `lastInsertRowid` is the new row's id (SQLite's rowid; PostgreSQL's `id` column,
   * through `RETURNING`).
   */
  db: {
    get(sql: string, ...params: BackupValue[]): Promise<Record<string, BackupValue> | undefined>;
    run(sql: string, ...params: BackupValue[]): Promise<{ lastInsertRowid: number | bigint }>;
  };
  /** A check or preview: nothing may be written; an upgrader needing a new key row makes do without it. */
  dryRun: boolean;
}

/** A folder or a single file that travels with a backup (machine-specific paths do not: only `name`). */
export interface BackupFileLocation {
  /** Its base name; restored to `<backup data>/catalogs/<index>-<name>/`. */
  name: string;
  /** Absolute path: a folder (its regular files; hidden files and symlinks left out) or one file. */
  path: string;
  /** What its owner calls it, carried in the manifest as is (e.g. `folder`). */
  kind: string;
}

/** Files a plugin carries in backups besides its tables (the apps plugin: the admin's catalogs). */
export interface BackupFileSource {
  /** Unique among sources, named in errors (`apps.catalogs`). */
  id: string;
  /** The folders and files to carry, asked at each export with the running configuration; missing paths are left out. */
  locations(config: TomoConfig): readonly BackupFileLocation[];
}

/** The `backup.tables` extension point: how a plugin puts its data into backups. */
export interface BackupTablesExtension {
  /** Carries `spec.table`. A table declared twice, or a spec naming a table nobody carries, stops start-up naming both. */
  addTable(spec: BackupTableSpec): void;
  /** Never carries `table`, on purpose (`why` is for people: sessions bound to the source's signing key). Silences the "not declared" warning. */
  leaveOut(table: string, why: string): void;
  /** Carries these files too. */
  addFiles(source: BackupFileSource): void;
}

/**
 * Plugins add their tables through a module targeting `backup` (so they do not depend on backup:
 * with backup disabled the module is simply not run):
 * `ctx.getExtensionPoint(backupTablesExtensionPoint).addTable({ table: 'notes_pins', label: 'pinned notes', refs: { hostId: 'notes_hosts' } })`.
 */
export const backupTablesExtensionPoint = createExtensionPoint<BackupTablesExtension>({ id: 'backup.tables' });

/** What importing does on a record both the backup and this instance hold. */
export type OnConflict = 'skip' | 'overwrite';

/** What happened (or, in a dry run, would happen) to one table. */
export interface TableOutcome {
  table: string;
  label: string;
  inBackup: number;
  added: number;
  replaced: number;
  skipped: number;
  /** The table is not on this instance (its plugin is not installed): its rows are left out. */
  absent?: boolean;
}

/** A record the backup and this instance both hold (matched by id or natural key). */
export interface Conflict {
  table: string;
  what: string;
  action: OnConflict;
}

/** What an import found in the backup and did (or would do) to this instance. */
export interface ImportSummary {
  source: { tomoVersion: string; createdAt: string; formatVersion: number; includesHistory: boolean };
  onConflict: OnConflict;
  applied: boolean;
  tables: TableOutcome[];
  /** The first 500; `conflictCount` has them all. */
  conflicts: Conflict[];
  conflictCount: number;
  catalogs: { name: string; files: number; restoredTo: string }[];
}

/** Where a running export is: rows written so far out of the total. */
export interface ExportProgress {
  done: number;
  total: number;
  label: string;
}

/** What an export wrote. */
export interface ExportResult {
  /** Rows per table, and `catalog files`. */
  counts: Record<string, number>;
  bytes: number;
  /**
   * Tables in the database no plugin declared (through {@link backupTablesExtensionPoint}): carried
   * row for row as history with `--include-history`, left out otherwise. Logged as a warning.
   */
  undeclared: string[];
}

/** Export and import of the whole instance; the CLI, the HTTP routes and the tests all come here. */
export interface BackupService {
  /** Writes an encrypted backup to `output`. A password under 12 characters is a 400 naming `password`. */
  export(output: Writable, options: { password: string; includeHistory: boolean; onProgress?(p: ExportProgress): void; call?: CallContext }): Promise<ExportResult>;
  /** Checks a backup and says what importing it would change (`apply` false), or imports it. */
  import(
    open: () => Readable,
    options: { password: string; onConflict: OnConflict; apply: boolean; onProgress?(p: { done: number; total: number; phase: string }): void; call?: CallContext },
  ): Promise<ImportSummary>;
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
});
