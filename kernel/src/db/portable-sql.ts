import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * Raw SQL that runs on both engines Tomo supports. Write it the portable way:
 *   - identifiers in double quotes (`"serverId"`): PostgreSQL folds unquoted names to lower case;
 *   - `?` for every parameter: turned into `$1, $2, …` here on PostgreSQL (never inside a
 *     quoted string or identifier);
 *   - SQL both engines share (`ON CONFLICT … DO NOTHING/UPDATE`, `COALESCE`, `CASE`, `LIMIT`),
 *     and for what they do not share, branch on {@link isPostgres} in the one function that
 *     needs it.
 * Query-builder code (`:name` parameters) needs none of this: TypeORM already writes each engine's.
 */

/** Anything raw SQL can be run through. */
export type SqlRunner = DataSource | EntityManager | QueryRunner;

function driverType(runner: SqlRunner): string {
  // A DataSource carries its options; an EntityManager and a QueryRunner point at their DataSource.
  const dataSource = 'options' in runner ? runner : runner.dataSource;
  return dataSource.options.type;
}

/** Whether this runner works on PostgreSQL (else SQLite). */
export function isPostgres(runner: SqlRunner): boolean {
  return driverType(runner) === 'postgres';
}

/** `?` placeholders as PostgreSQL numbers them (`$1`, `$2`, …), skipping quoted text. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let index = 0;
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++index}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Runs portable raw SQL (see the module comment) and returns its rows. */
export async function runSql<Row = Record<string, unknown>>(runner: SqlRunner, sql: string, parameters: unknown[] = []): Promise<Row[]> {
  const text = isPostgres(runner) ? numberPlaceholders(sql) : sql;
  return (await runner.query(text, parameters)) as Row[];
}

/**
 * Runs a portable INSERT/UPDATE/DELETE and returns how many rows it changed (TypeORM's
 * structured result: SQLite's `changes`, PostgreSQL's row count).
 */
export async function runSqlCountingRows(runner: QueryRunner, sql: string, parameters: unknown[] = []): Promise<number> {
  const text = isPostgres(runner) ? numberPlaceholders(sql) : sql;
  const result = (await runner.query(text, parameters, true)) as { affected?: number | null };
  return result.affected ?? 0;
}

/** The names of the database's own tables (not the engine's catalog ones). */
export async function listTables(runner: SqlRunner): Promise<string[]> {
  const sql = isPostgres(runner)
    ? `SELECT table_name AS "name" FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`
    : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1`;
  return (await runSql<{ name: string }>(runner, sql)).map((r) => r.name);
}
