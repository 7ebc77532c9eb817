import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { databaseName, onServer } from './postgres-server';
import { openFilesUnder } from './open-files';

// Whether a test kernel's database is held open, on either engine: on SQLite, files this process
// holds open (tomo.db, -wal, -shm); on PostgreSQL (TOMO_TEST_DATABASE_URL set: the folder then
// remembers its database, kernel/src/testing/test-database.ts), connections the server has to it.

/** The PostgreSQL database of a test data folder, when it has one. */
function postgresUrl(dataDir: string): string | undefined {
  const file = path.join(dataDir, 'test-database.url');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

/** How many handles on the database of `dataDir` are open now. */
export async function databaseHandles(dataDir: string): Promise<number> {
  const url = postgresUrl(dataDir);
  if (!url) return openFilesUnder(dataDir).filter((f) => /tomo\.db/.test(f)).length;
  const [row] = await onServer('SELECT COUNT(*)::int AS "n" FROM pg_stat_activity WHERE "datname" = $1', [databaseName(url)]);
  return row.n as number;
}

/**
 * The handles still open once they had time to close: a closed PostgreSQL connection leaves the
 * server's activity view a moment after the client ended it.
 */
export async function databaseHandlesAfterClose(dataDir: string): Promise<number> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const n = await databaseHandles(dataDir);
    if (n === 0 || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The tables in the database of `dataDir`, read through a connection of its own (closed again). */
export async function tablesIn(dataDir: string): Promise<string[]> {
  const url = postgresUrl(dataDir);
  if (!url) {
    const db = new Database(path.join(dataDir, 'tomo.db'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>("SELECT table_name AS \"name\" FROM information_schema.tables WHERE table_schema = current_schema()")).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}
