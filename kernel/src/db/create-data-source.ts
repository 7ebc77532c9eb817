import fs from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type Database from 'better-sqlite3';
import type { ClassType, EntityType } from '../plugin/plugin-types';

/** What the database is assembled from. */
export interface DataSourceOptions {
  file: string;
  busyTimeoutMs: number;
  entities: EntityType[];
  migrations: ClassType[];
}

/**
 * The one DataSource for all plugins: SQLite through better-sqlite3, WAL for concurrent
 * readers (the CLI and the service share the file), a busy timeout instead of SQLITE_BUSY
 * errors, and foreign keys on. This is the only file with SQLite-specific settings: entities
 * and queries stay portable so a PostgreSQL DataSource could replace it.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  fs.mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
  return new DataSource({
    type: 'better-sqlite3',
    database: options.file,
    entities: options.entities,
    migrations: options.migrations,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    prepareDatabase: (db: Database.Database) => {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  });
}

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
    if (await runner.hasTable('migrations')) applied = await runner.query('SELECT name, timestamp FROM migrations');
  } finally {
    await runner.release();
  }
  const appliedByName = new Map(applied.map((r) => [r.name, r.timestamp]));
  return known.map((name) => ({ name, applied: appliedByName.has(name), appliedAt: appliedByName.get(name) }));
}
