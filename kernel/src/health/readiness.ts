import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/** Where the kernel is in its life: only `started` can be ready. */
export type KernelPhase = 'starting' | 'started' | 'stopping';

/** What readiness is judged from. */
export interface ReadinessDeps {
  /** The kernel's phase: plugins have all run `init` and `ready` once it is `started`. */
  phase(): KernelPhase;
  /** The open DataSource, when there is one. */
  dataSource(): DataSource | undefined;
  /** The SQLite file the DataSource was opened on; undefined on PostgreSQL. */
  databaseFile: string | undefined;
  /** Which file that was (device and inode) when it was opened, to notice another one in its place. */
  openedFile(): { dev: number; ino: number } | undefined;
}

/** The verdict: ready, or not with a short reason (public: no versions, paths or secrets). */
export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Is Tomo able to serve: started (every plugin initialised and ready), its database connection
 * answering, and the database FILE still there, readable and fully migrated.
 *
 * The service's own connection keeps an open descriptor, so it goes on answering after its file
 * was removed, renamed, replaced or made unreadable, while what it writes from then on would be
 * lost. So the path is checked to still be the file that was opened, and is opened afresh,
 * read-only, to read the migrations: what a restart would see.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const phase = deps.phase();
  if (phase === 'starting') return { ready: false, reason: 'Tomo is starting' };
  if (phase === 'stopping') return { ready: false, reason: 'Tomo is shutting down' };
  const dataSource = deps.dataSource();
  if (!dataSource?.isInitialized) return { ready: false, reason: 'the database is not open' };
  try {
    await dataSource.query('SELECT 1');
  } catch (err) {
    return { ready: false, reason: `the database does not answer (${errorCode(err)})` };
  }
  if (deps.databaseFile === undefined) return migrationsReadiness(dataSource, await appliedOnServer(dataSource));
  let now: fs.Stats;
  try {
    now = fs.statSync(deps.databaseFile);
  } catch (err) {
    return { ready: false, reason: `the database file cannot be read (${errorCode(err)})` };
  }
  const opened = deps.openedFile();
  if (opened && (opened.dev !== now.dev || opened.ino !== now.ino)) {
    // A restore or a move underneath the service: it keeps writing to the file it opened, which is
    // no longer the one a restart would read.
    return { ready: false, reason: 'the database file was replaced since Tomo opened it (restart Tomo)' };
  }
  let applied: Set<string>;
  try {
    applied = readAppliedMigrations(deps.databaseFile);
  } catch (err) {
    return { ready: false, reason: `the database file cannot be read (${errorCode(err)})` };
  }
  return migrationsReadiness(dataSource, applied);
}

/** PostgreSQL: a server, not a file, so the migrations are read through the open connection. */
async function appliedOnServer(dataSource: DataSource): Promise<Set<string>> {
  const rows = (await dataSource.query('SELECT "name" FROM "migrations"')) as Array<{ name: string }>;
  return new Set(rows.map((r) => r.name));
}

/** Ready when every migration the plugins bring is recorded as applied. */
function migrationsReadiness(dataSource: DataSource, applied: Set<string>): Readiness {
  const expected = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  const missing = expected.filter((name) => !applied.has(name));
  if (missing.length) return { ready: false, reason: `${missing.length} database migration(s) not applied` };
  return { ready: true };
}

/** Opens the file read-only (it must exist: never creates one) and lists the migrations recorded in it. */
function readAppliedMigrations(file: string): Set<string> {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 1000 });
  try {
    const rows = db.prepare('SELECT name FROM migrations').all() as Array<{ name: string }>;
    return new Set(rows.map((r) => r.name));
  } finally {
    db.close();
  }
}

/** A short, path-free description of a failure: SQLite's or the system's code. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown }).code ?? (err as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof code === 'string' ? code : 'unknown error';
}
