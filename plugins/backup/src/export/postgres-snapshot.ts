import type { DataSource, QueryRunner } from 'typeorm';
import { listTables } from '@tomo/kernel';
import { PostgresBackupDb, quote, type DbRow } from '../db/backup-db';
import type { DatabaseSnapshot } from './database-snapshot';

/** Rows fetched from the cursor at a time: memory stays flat, round trips few. */
const FETCH_ROWS = 500;

/**
 * PostgreSQL's consistent view: one read-only REPEATABLE READ transaction on a connection of the
 * kernel's pool, held for the export. Every statement in it sees the database as it was at its
 * first, and it blocks no writer. Rows come through a cursor, a batch at a time.
 */
export class PostgresSnapshot implements DatabaseSnapshot {
  private readonly db: PostgresBackupDb;
  private cursors = 0;

  private constructor(private readonly runner: QueryRunner) {
    this.db = new PostgresBackupDb(runner);
  }

  static async take(dataSource: DataSource): Promise<PostgresSnapshot> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return new PostgresSnapshot(runner);
    } catch (err) {
      await runner.release();
      throw err;
    }
  }

  async tables(): Promise<Set<string>> {
    return new Set(await listTables(this.runner));
  }

  async migrations(): Promise<string[]> {
    if (!(await this.tables()).has('migrations')) return [];
    return (await this.db.all('SELECT "name" FROM "migrations" ORDER BY "id"')).map((m) => String(m.name));
  }

  async count(table: string): Promise<number> {
    return Number((await this.db.get(`SELECT COUNT(*) AS "n" FROM ${quote(table)}`))!.n);
  }

  /** By primary key (a table without one: as stored). */
  async *rows(table: string): AsyncGenerator<DbRow> {
    const key = await this.db.primaryKey(table);
    const cursor = `backup_rows_${++this.cursors}`;
    await this.db.all(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT * FROM ${quote(table)}${key.length ? ` ORDER BY ${key.map(quote).join(', ')}` : ''}`);
    try {
      for (;;) {
        const batch = await this.db.all(`FETCH ${FETCH_ROWS} FROM ${cursor}`);
        yield* batch;
        if (batch.length < FETCH_ROWS) return;
      }
    } finally {
      await this.db.all(`CLOSE ${cursor}`).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    try {
      await this.runner.query('ROLLBACK');
    } finally {
      await this.runner.release();
    }
  }
}
