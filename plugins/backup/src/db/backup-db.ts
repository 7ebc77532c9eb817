import type Database from 'better-sqlite3';
import type { QueryRunner } from 'typeorm';
import { numberPlaceholders } from '@tomo/kernel';

/**
 * The database as backup reads and writes it, on either engine: portable SQL (double-quoted
 * identifiers, `?` parameters), and the few statements that differ written in one place
 * ({@link upsertSql}, {@link insertReturningIdSql}, {@link toColumnValue}, {@link afterImport}).
 * SQLite goes through a better-sqlite3 connection of backup's own (the snapshot copy, or the
 * import's connection holding the write lock); PostgreSQL through a query runner of the kernel's
 * pool, inside the transaction backup opened on it.
 */
export type DbRow = Record<string, unknown>;

/** What a column takes, as far as moving values between the engines goes. */
export type ColumnKind = 'boolean' | 'timestamp' | 'other';

export interface BackupDb {
  readonly engine: 'sqlite' | 'postgres';
  all(sql: string, params?: readonly unknown[]): Promise<DbRow[]>;
  get(sql: string, params?: readonly unknown[]): Promise<DbRow | undefined>;
  /** A write: how many rows it changed, and (for an INSERT on SQLite) the rowid it gave. */
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number; lastInsertRowid?: number | bigint; rows: DbRow[] }>;
  /** The table's columns (name → kind), or null when there is no such table. */
  columns(table: string): Promise<Map<string, ColumnKind> | null>;
  /** The table's primary key columns, in key order (empty: none). */
  primaryKey(table: string): Promise<string[]>;
}

export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** SQLite through better-sqlite3 (synchronous underneath; statements prepared once). */
export class SqliteBackupDb implements BackupDb {
  readonly engine = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  async all(sql: string, params: readonly unknown[] = []): Promise<DbRow[]> {
    return this.statement(sql).all(...params) as DbRow[];
  }

  async get(sql: string, params: readonly unknown[] = []): Promise<DbRow | undefined> {
    return this.statement(sql).get(...params) as DbRow | undefined;
  }

  async run(sql: string, params: readonly unknown[] = []) {
    const result = this.statement(sql).run(...params);
    return { changes: result.changes, lastInsertRowid: result.lastInsertRowid, rows: [] };
  }

  async columns(table: string): Promise<Map<string, ColumnKind> | null> {
    const info = this.statement('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[];
    // SQLite stores what it is given: no value needs converting for a column of it.
    return info.length ? new Map(info.map((c) => [c.name, 'other' as const])) : null;
  }

  async primaryKey(table: string): Promise<string[]> {
    const info = this.statement('SELECT name, pk FROM pragma_table_info(?)').all(table) as Array<{ name: string; pk: number }>;
    return info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
}

/** PostgreSQL through a connected query runner (the caller owns its transaction). */
export class PostgresBackupDb implements BackupDb {
  readonly engine = 'postgres';
  private readonly columnCache = new Map<string, Map<string, ColumnKind> | null>();

  constructor(readonly runner: QueryRunner) {}

  async all(sql: string, params: readonly unknown[] = []): Promise<DbRow[]> {
    return (await this.runner.query(numberPlaceholders(sql), [...params])) as DbRow[];
  }

  async get(sql: string, params: readonly unknown[] = []): Promise<DbRow | undefined> {
    return (await this.all(sql, params))[0];
  }

  async run(sql: string, params: readonly unknown[] = []) {
    const result = (await this.runner.query(numberPlaceholders(sql), [...params], true)) as { records?: DbRow[]; affected?: number | null };
    const rows = Array.isArray(result.records) ? result.records : [];
    return { changes: result.affected ?? 0, rows };
  }

  async columns(table: string): Promise<Map<string, ColumnKind> | null> {
    if (!this.columnCache.has(table)) {
      const info = (await this.all(
        'SELECT column_name AS "name", data_type AS "type" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position',
        [table],
      )) as Array<{ name: string; type: string }>;
      this.columnCache.set(table, info.length ? new Map(info.map((c) => [c.name, kindOf(c.type)])) : null);
    }
    return this.columnCache.get(table)!;
  }

  async primaryKey(table: string): Promise<string[]> {
    const rows = (await this.all(
      `SELECT k.column_name AS "name" FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND c.table_name = ? AND c.constraint_type = 'PRIMARY KEY'
        ORDER BY k.ordinal_position`,
      [table],
    )) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }
}

function kindOf(dataType: string): ColumnKind {
  if (dataType === 'boolean') return 'boolean';
  if (dataType.startsWith('timestamp')) return 'timestamp';
  return 'other';
}

/**
 * A backup value as the target column takes it. The file holds SQLite's forms (booleans as
 * 0/1, times as UTC text; see `encodeValue`): PostgreSQL gets real booleans; its timestamp
 * columns read the text as it is (the session is UTC, and a zone in the text wins).
 */
export function toColumnValue(kind: ColumnKind | undefined, value: unknown): unknown {
  if (kind === 'boolean' && (value === 0 || value === 1 || value === '0' || value === '1')) return Number(value) === 1;
  return value;
}

/**
 * Inserts a row by primary key, keeping (`skip`) or replacing (`overwrite`) a row already there.
 * SQLite keeps its `INSERT OR IGNORE/REPLACE` (what earlier releases did); PostgreSQL says the
 * same with `ON CONFLICT`.
 */
export function upsertSql(db: BackupDb, table: string, keys: readonly string[], primaryKey: readonly string[], onConflict: 'skip' | 'overwrite'): string {
  const values = `(${keys.map(quote).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`;
  if (db.engine === 'sqlite') return `${onConflict === 'overwrite' ? 'INSERT OR REPLACE' : 'INSERT OR IGNORE'} INTO ${quote(table)} ${values}`;
  const others = keys.filter((k) => !primaryKey.includes(k));
  if (onConflict === 'skip' || !primaryKey.length || !others.length) return `INSERT INTO ${quote(table)} ${values} ON CONFLICT DO NOTHING`;
  return `INSERT INTO ${quote(table)} ${values} ON CONFLICT (${primaryKey.map(quote).join(', ')}) DO UPDATE SET ${others.map((k) => `${quote(k)} = EXCLUDED.${quote(k)}`).join(', ')}`;
}

/** An INSERT that hands back the id the database gave (PostgreSQL: `RETURNING`; SQLite: its rowid). */
export function insertReturningIdSql(db: BackupDb, table: string, keys: readonly string[]): string {
  const sql = `INSERT INTO ${quote(table)} (${keys.map(quote).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`;
  return db.engine === 'postgres' ? `${sql} RETURNING id` : sql;
}

/** The id a {@link insertReturningIdSql} statement gave. */
export function insertedId(result: { lastInsertRowid?: number | bigint; rows: DbRow[] }): number | string | undefined {
  const returned = result.rows[0]?.id;
  if (returned !== undefined) return returned as number | string;
  return result.lastInsertRowid === undefined ? undefined : Number(result.lastInsertRowid);
}

/**
 * After rows were written with the ids they carried: PostgreSQL's sequences do not move past ids
 * given explicitly (SQLite's counters do), so each written table's id sequence is set past its
 * largest id, or the next row the kernel adds would collide.
 */
export async function afterImport(db: BackupDb, tables: Iterable<string>): Promise<void> {
  if (db.engine !== 'postgres') return;
  for (const table of tables) {
    const columns = await db.columns(table);
    if (!columns?.has('id')) continue;
    const seq = await db.get('SELECT pg_get_serial_sequence(?, ?) AS "seq"', [quote(table), 'id']);
    if (!seq?.seq) continue;
    await db.all(`SELECT setval(?::regclass, COALESCE((SELECT MAX(id) FROM ${quote(table)}), 0) + 1, false)`, [seq.seq]);
  }
}
