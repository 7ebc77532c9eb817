import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * A consistent copy of the live database, taken with SQLite's online backup API while Tomo keeps
 * running (writers are not blocked for long: the copy goes page by page and restarts when a page
 * it copied changes). The copy holds what the database holds (secrets still sealed), so it goes
 * in the plugin's own data folder (mode 0700), never in a shared temp folder, and is removed after.
 */
export class Snapshot {
  private constructor(
    readonly db: Database.Database,
    private readonly file: string,
  ) {}

  static async take(live: Database.Database, workDir: string): Promise<Snapshot> {
    fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const file = path.join(workDir, `snapshot-${randomUUID()}.db`);
    try {
      await live.backup(file);
      return new Snapshot(new Database(file, { readonly: true }), file);
    } catch (err) {
      removeDbFile(file);
      throw err;
    }
  }

  /** Names of the tables in the copy (SQLite's own excluded). */
  tables(): Set<string> {
    const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    return new Set(rows.map((r) => r.name));
  }

  close(): void {
    if (this.db.open) this.db.close();
    removeDbFile(this.file);
  }
}

function removeDbFile(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}
