import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { quote, type DbRow } from '../db/backup-db';
import type { DatabaseSnapshot } from './database-snapshot';

/**
 * A consistent copy of the live database, taken with SQLite's online backup API while Tomo keeps
 * running (writers are not blocked for long: the copy goes page by page and restarts when a page
 * it copied changes). The copy holds what the database holds (secrets still sealed), so it goes
 * in the plugin's own data folder (mode 0700), never in a shared temp folder, and is removed after.
 */
export class SqliteSnapshot implements DatabaseSnapshot {
  private constructor(
    readonly db: Database.Database,
    private readonly file: string,
  ) {}

  static async take(live: Database.Database, workDir: string): Promise<SqliteSnapshot> {
    fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const file = path.join(workDir, `snapshot-${randomUUID()}.db`);
    try {
      await live.backup(file);
      return new SqliteSnapshot(new Database(file, { readonly: true }), file);
    } catch (err) {
      removeDbFile(file);
      throw err;
    }
  }

  /** Names of the tables in the copy (SQLite's own excluded). */
  async tables(): Promise<Set<string>> {
    const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    return new Set(rows.map((r) => r.name));
  }

  async migrations(): Promise<string[]> {
    if (!(await this.tables()).has('migrations')) return [];
    return (this.db.prepare('SELECT name FROM migrations ORDER BY id').all() as { name: string }[]).map((m) => m.name);
  }

  async count(table: string): Promise<number> {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
  }

  /** The table's rows, one at a time, in a stable order. */
  async *rows(table: string): AsyncGenerator<DbRow> {
    yield* this.db.prepare(`SELECT * FROM ${quote(table)} ORDER BY ${this.rowOrder(table)}`).iterate() as Iterable<DbRow>;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    removeDbFile(this.file);
  }

  /**
   * By rowid, or by the primary key for a `WITHOUT ROWID` table (which has no rowid; the
   * monitoring plugin's rollups are such tables).
   */
  private rowOrder(table: string): string {
    const info = this.db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as Array<{ name: string; pk: number }>;
    const withoutRowid = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? AND sql LIKE '%WITHOUT ROWID%'`).get(table) !== undefined;
    const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    return withoutRowid && key.length ? key.map((c) => quote(c.name)).join(', ') : 'rowid';
  }
}

function removeDbFile(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}
