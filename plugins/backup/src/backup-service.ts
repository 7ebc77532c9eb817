import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { badRequest, KERNEL_VERSION, type CallContext, type HookRegistry, type SecretVault, type TomoConfig } from '@tomo/kernel';
import { backupHooks, type BackupService, type ExportProgress, type ExportResult, type ImportSummary, type OnConflict } from './api';
import type { BackupConfig } from './config';
import { BackupError } from './errors';
import { postgresImportTarget, sqliteImportTarget, type ImportTarget } from './db/import-target';
import type { DatabaseSnapshot } from './export/database-snapshot';
import { exportBackup } from './export/export-backup';
import { PostgresSnapshot } from './export/postgres-snapshot';
import { SqliteSnapshot } from './export/sqlite-snapshot';
import { fileLocations } from './files/file-locations';
import { importBackup } from './import/import-backup';
import type { DeclaredTables } from './tables/table-registry';

/** A backup password must resist offline guessing: the file may travel anywhere. */
export const MIN_PASSWORD_LENGTH = 12;

export interface BackupServiceDeps {
  dataSource: DataSource;
  vault: SecretVault;
  kernelConfig: TomoConfig;
  config: BackupConfig;
  /** The plugin's private data folder (snapshots, restored catalogs). */
  dataDir: string;
  /** What the plugins declared through `backup.tables`. */
  declared: DeclaredTables;
  logger: Logger;
  /** Where `backupHooks` fire (the activity log listens). */
  hooks?: HookRegistry;
}

/** {@link BackupService} on this instance's database (SQLite or PostgreSQL), vault and data folder. */
export class LocalBackupService implements BackupService {
  private running = false;

  constructor(private readonly deps: BackupServiceDeps) {}

  /** Writes an encrypted backup to `output`. */
  async export(output: Writable, options: { password: string; includeHistory: boolean; onProgress?(p: ExportProgress): void; call?: CallContext }): Promise<ExportResult> {
    if (options.password.length < MIN_PASSWORD_LENGTH) throw badRequest('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
    const event = { call: options.call, includeHistory: options.includeHistory };
    const finished = this.deps.hooks?.of(backupHooks).exportFinished;
    const result = await this.exclusive(async () => {
      const started = Date.now();
      const result = await exportBackup(
        {
          snapshot: () => this.snapshot(),
          vault: this.deps.vault,
          tomoVersion: KERNEL_VERSION,
          specs: this.deps.declared.specs,
          leftOut: this.deps.declared.leftOut,
          files: fileLocations(this.deps.declared.files, this.deps.kernelConfig),
          scryptWorkFactor: this.deps.config.scryptWorkFactor,
        },
        options,
        output,
      );
      this.deps.logger.info({ counts: result.counts, bytes: result.bytes, includeHistory: options.includeHistory, durationMs: Date.now() - started }, 'Backup exported');
      if (result.undeclared.length) {
        this.deps.logger.warn(
          { tables: result.undeclared, includeHistory: options.includeHistory },
          options.includeHistory
            ? 'Tables no plugin declares for backups were carried row for row, without matching rules'
            : 'Tables no plugin declares for backups are not in this backup (--include-history carries them row for row)',
        );
      }
      return result;
    }).catch(async (err: Error) => {
      await finished?.promise({ ...event, result: 'failed', error: err.message });
      throw err;
    });
    await finished?.promise({ ...event, result: 'ok', counts: result.counts, bytes: result.bytes });
    return result;
  }

  /** Checks a backup and says what importing it would change (`apply` false), or imports it. */
  async import(
    open: () => Readable,
    options: { password: string; onConflict: OnConflict; apply: boolean; onProgress?(p: { done: number; total: number; phase: string }): void; call?: CallContext },
  ): Promise<ImportSummary> {
    if (!options.password) throw badRequest('password', 'is required');
    // Only an import meant to be applied is an event; a preview writes nothing.
    const finished = options.apply ? this.deps.hooks?.of(backupHooks).importFinished : undefined;
    const event = { call: options.call, onConflict: options.onConflict };
    const summary = await this.exclusive(async () => {
      const started = Date.now();
      const catalogRoot = path.join(this.deps.dataDir, 'catalogs');
      fs.mkdirSync(catalogRoot, { recursive: true, mode: 0o700 });
      const summary = await importBackup(
        open,
        {
          target: this.importTarget(),
          vault: this.deps.vault,
          specs: this.deps.declared.specs,
          knownMigrations: new Set(this.deps.dataSource.migrations.map((m) => m.name ?? m.constructor.name)),
          tomoVersion: KERNEL_VERSION,
          catalogRoot,
        },
        options,
      );
      if (summary.applied) {
        this.deps.logger.info(
          { tables: summary.tables.map(({ table, added, replaced, skipped }) => ({ table, added, replaced, skipped })), conflicts: summary.conflictCount, onConflict: options.onConflict, durationMs: Date.now() - started },
          'Backup imported',
        );
      }
      return summary;
    }).catch(async (err: Error) => {
      await finished?.promise({ ...event, result: 'failed', error: err.message });
      throw err;
    });
    const sum = (key: 'added' | 'replaced' | 'skipped') => summary.tables.reduce((n, t) => n + t[key], 0);
    await finished?.promise({ ...event, result: 'ok', added: sum('added'), replaced: sum('replaced'), skipped: sum('skipped') });
    return summary;
  }

  /** The consistent view an export reads: a copy of the SQLite file, or a PostgreSQL transaction. */
  private snapshot(): Promise<DatabaseSnapshot> {
    if (this.deps.kernelConfig.database.kind === 'postgres') return PostgresSnapshot.take(this.deps.dataSource);
    const live = (this.deps.dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
    return SqliteSnapshot.take(live, path.join(this.deps.dataDir, 'tmp'));
  }

  /** Where an import writes: SQLite's file on connections of its own, or the PostgreSQL pool. */
  private importTarget(): ImportTarget {
    const database = this.deps.kernelConfig.database;
    return database.kind === 'postgres' ? postgresImportTarget(this.deps.dataSource) : sqliteImportTarget(database.file, database.busyTimeoutMs);
  }

  /** One export or import at a time: two would compete for the snapshot folder and the write lock. */
  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.running) throw new BackupError('busy', 'Another export or import is running; try again when it has finished');
    this.running = true;
    try {
      return await work();
    } finally {
      this.running = false;
    }
  }
}
