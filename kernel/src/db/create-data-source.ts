import fs from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type Database from 'better-sqlite3';
import type { ClassType, EntityType } from '../plugin/plugin-types';
import type { ResolvedDatabaseConfig } from '../config/config-schema';
import { lazyModule } from '../lazy/lazy-module';
import { acceptSqliteColumnTypes } from './portable-types';

/** What the database is assembled from. */
export interface DataSourceOptions {
  /** Which engine, and where (`config.database`). */
  database: ResolvedDatabaseConfig;
  entities: EntityType[];
  migrations: ClassType[];
}

/**
 * The one DataSource for all plugins, on SQLite or PostgreSQL (`database.url`). The engine's
 * settings live here and in `sql-dialect.ts` only: entities and queries stay portable.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  const { database, entities, migrations } = options;
  const common = { entities, migrations, migrationsRun: false, synchronize: false, logging: false } as const;
  if (database.kind === 'postgres') {
    const dataSource = new DataSource({ type: 'postgres', url: database.url, ...common, poolSize: database.poolSize, extra: postgresPoolOptions(database) });
    acceptSqliteColumnTypes(dataSource);
    return dataSource;
  }
  fs.mkdirSync(path.dirname(database.file), { recursive: true, mode: 0o700 });
  return new DataSource({
    type: 'better-sqlite3',
    database: database.file,
    ...common,
    // WAL for concurrent readers (the CLI and the service share the file), a busy timeout instead
    // of SQLITE_BUSY errors, and foreign keys on.
    prepareDatabase: (db: Database.Database) => {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${Math.trunc(database.busyTimeoutMs)}`);
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  });
}

/**
 * node-postgres settings for every connection of the pool:
 *   - the session in UTC, so a date written as text means the same instant on every instance;
 *   - lock_timeout as SQLite's busy timeout: a writer waits that long for a lock, then fails;
 *   - 64-bit integers (COUNT, SUM, bigint columns) and numerics as JavaScript numbers, as SQLite
 *     returns them (pg's default is strings, to be exact beyond 2^53, which Tomo's counts and
 *     byte totals never reach); per pool, not pg's process-wide parsers.
 */
function postgresPoolOptions(database: Extract<ResolvedDatabaseConfig, { kind: 'postgres' }>): Record<string, unknown> {
  return {
    application_name: 'tomo',
    options: `-c TimeZone=UTC -c lock_timeout=${Math.trunc(database.busyTimeoutMs)}`,
    types: { getTypeParser: numberParsingTypeParser },
  };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

function numberParsingTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8_OID || oid === NUMERIC_OID) return Number;
  return pgTypes().getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

/** pg, loaded on first use: a SQLite instance never needs it. */
const pg = lazyModule<typeof import('pg')>(require, 'pg');
const pgTypes = () => pg().types;

/** One migration's state, for `tomo migrate --status`. */
export interface MigrationState {
  /** The migration class's name (`<Plugin><Change><13-digit timestamp>`). */
  name: string;
  /** Whether the database's `migrations` table records it as run. */
  applied: boolean;
  /**
   * When applied: the timestamp TypeORM recorded for it, which is the 13-digit number at the end
   * of its name (ms since the epoch), not the moment it ran.
   */
  appliedAt?: number;
}

/** Lists every known migration and whether it has been applied. */
export async function migrationStatus(dataSource: DataSource): Promise<MigrationState[]> {
  const known = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  let applied: Array<{ name: string; timestamp: number }> = [];
  const runner = dataSource.createQueryRunner();
  try {
    if (await runner.hasTable('migrations')) applied = await runner.query('SELECT "name", "timestamp" FROM "migrations"');
  } finally {
    await runner.release();
  }
  const appliedByName = new Map(applied.map((r) => [r.name, r.timestamp]));
  return known.map((name) => ({ name, applied: appliedByName.has(name), appliedAt: appliedByName.get(name) }));
}
