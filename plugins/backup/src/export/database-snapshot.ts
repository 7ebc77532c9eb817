import type { DbRow } from '../db/backup-db';

/**
 * One consistent view of the whole database that an export reads from start to end, whatever
 * writes the running Tomo makes meanwhile: a copy of the SQLite file ({@link SqliteSnapshot}), or
 * one read-only REPEATABLE READ transaction on PostgreSQL ({@link PostgresSnapshot}).
 */
export interface DatabaseSnapshot {
  /** Names of the database's own tables. */
  tables(): Promise<Set<string>>;
  /** Names of the migrations applied (the schema the rows follow), oldest first. */
  migrations(): Promise<string[]>;
  count(table: string): Promise<number>;
  /** The table's rows, streamed (memory does not grow with the table), in a stable order. */
  rows(table: string): AsyncIterable<DbRow>;
  close(): Promise<void>;
}
