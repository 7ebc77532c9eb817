import type { DataSource, QueryRunner, TableColumn } from 'typeorm';

/**
 * Column types written for SQLite that PostgreSQL spells differently. Entities and migrations
 * (built-in and third-party ones alike) declare `datetime`, the type TypeORM's SQLite drivers
 * know; TypeORM's PostgreSQL driver refuses that name. Rather than make every plugin branch on
 * the engine, the PostgreSQL DataSource translates the names here, in one place:
 *   - `datetime` → `timestamptz`: an instant (the session runs in UTC, see create-data-source);
 *   - `real` → `double precision`: SQLite's REAL is 8 bytes, PostgreSQL's 4 (7 digits);
 *   - `blob` → `bytea`;
 * and a boolean column's default `1`/`0` (SQLite stores booleans as integers) becomes `true`/`false`.
 */
const POSTGRES_SPELLING: Readonly<Record<string, string>> = { datetime: 'timestamptz', real: 'double precision', blob: 'bytea' };

type TypedColumn = { type?: unknown };

function translated<T extends TypedColumn>(column: T): T {
  const spelling = typeof column.type === 'string' ? POSTGRES_SPELLING[column.type] : undefined;
  return spelling ? ({ ...column, type: spelling } as T) : column;
}

/**
 * Makes a PostgreSQL DataSource accept the SQLite spellings: entity metadata is validated and
 * mapped with the PostgreSQL type (`normalizeType`), and the schema API's CREATE/ALTER TABLE
 * (`createFullType`, which migrations reach through `createTable`/`addColumn`) writes it.
 * Values need nothing: pg writes a Date with its offset and reads timestamptz back as a Date.
 */
export function acceptSqliteColumnTypes(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as {
    normalizeType(column: TypedColumn): string;
    createFullType(column: TypedColumn): string;
    createQueryRunner(mode: string): QueryRunner;
  };
  const normalizeType = driver.normalizeType.bind(driver);
  const createFullType = driver.createFullType.bind(driver);
  const createQueryRunner = driver.createQueryRunner.bind(driver);
  driver.normalizeType = (column) => normalizeType(translated(column));
  driver.createFullType = (column) => createFullType(translated(column));
  driver.createQueryRunner = (mode) => withBooleanDefaults(createQueryRunner(mode));
}

const BOOLEAN_DEFAULTS: Readonly<Record<string, string>> = { '0': 'false', '1': 'true' };

/** Rewrites `DEFAULT 1` of boolean columns to `DEFAULT true` before the schema API writes them. */
function fixBooleanDefaults(columns: TableColumn[]): void {
  for (const column of columns) {
    const spelled = column.type === 'boolean' && column.default !== undefined ? BOOLEAN_DEFAULTS[String(column.default)] : undefined;
    if (spelled) column.default = spelled;
  }
}

function withBooleanDefaults(runner: QueryRunner): QueryRunner {
  const createTable = runner.createTable.bind(runner);
  const addColumn = runner.addColumn.bind(runner);
  const addColumns = runner.addColumns.bind(runner);
  runner.createTable = (table, ...rest) => {
    fixBooleanDefaults(table.columns);
    return createTable(table, ...rest);
  };
  runner.addColumn = (table, column) => {
    fixBooleanDefaults([column]);
    return addColumn(table, column);
  };
  runner.addColumns = (table, columns) => {
    fixBooleanDefaults(columns);
    return addColumns(table, columns);
  };
  return runner;
}
