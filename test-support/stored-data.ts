import fs from 'node:fs';
import path from 'node:path';
import { isPostgres, listTables, runSql } from '@tomo/kernel';
import type { TestKernel } from '@tomo/kernel/testing';

/**
 * Everything a test kernel's database holds, as text, for "this secret is never stored" checks
 * on either engine.
 *   - SQLite: the database files themselves (after a WAL checkpoint), bytes read as latin1, so
 *     what a stolen data folder would show, freed pages and WAL included.
 *   - PostgreSQL: the files are the server's, not the data folder's; every row of every table
 *     (bytea as latin1), which is what a dump or a stolen database would show.
 */
export async function storedData(t: TestKernel): Promise<string> {
  const ds = t.kernel.dataSource;
  if (!isPostgres(ds)) {
    await ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const dbFile = path.join(t.dataDir, 'tomo.db');
    if (!fs.existsSync(dbFile)) throw new Error(`no database file at ${dbFile}`);
    return [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const parts: string[] = [];
  for (const table of await listTables(ds)) {
    for (const row of await runSql(ds, `SELECT * FROM "${table}"`)) {
      for (const value of Object.values(row)) {
        if (value == null) continue;
        parts.push(Buffer.isBuffer(value) ? value.toString('latin1') : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value));
      }
    }
  }
  return parts.join('\n');
}
