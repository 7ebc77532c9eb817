import { DataSource, Table, TableColumn } from 'typeorm';
import { numberPlaceholders } from './portable-sql';
import { acceptSqliteColumnTypes } from './portable-types';

test('? placeholders become $1, $2, … for PostgreSQL, never inside quoted text or names', () => {
  expect(numberPlaceholders('SELECT "a" FROM "t" WHERE "b" = ? AND "c" IN (?, ?)')).toBe('SELECT "a" FROM "t" WHERE "b" = $1 AND "c" IN ($2, $3)');
  expect(numberPlaceholders(`SELECT '?' AS "why?" FROM t WHERE x = ?`)).toBe(`SELECT '?' AS "why?" FROM t WHERE x = $1`);
  expect(numberPlaceholders("UPDATE t SET a = 'it''s ?' WHERE b = ?")).toBe("UPDATE t SET a = 'it''s ?' WHERE b = $1");
  expect(numberPlaceholders('SELECT 1')).toBe('SELECT 1');
});

describe('a PostgreSQL DataSource accepts the SQLite column spellings', () => {
  // Never initialised: the driver's type mapping needs no server.
  const dataSource = new DataSource({ type: 'postgres', url: 'postgres://u:p@127.0.0.1:1/db' });
  acceptSqliteColumnTypes(dataSource);
  const driver = dataSource.driver as unknown as { normalizeType(c: { type: unknown }): string; createFullType(c: TableColumn): string };

  test('entities: datetime is timestamptz, real double precision, blob bytea; other types as the driver has them', () => {
    expect(driver.normalizeType({ type: 'datetime' })).toBe('timestamp with time zone');
    expect(driver.normalizeType({ type: 'real' })).toBe('double precision');
    expect(driver.normalizeType({ type: 'blob' })).toBe('bytea');
    expect(driver.normalizeType({ type: 'varchar' })).toBe('character varying');
  });

  test('the schema API writes the PostgreSQL types', () => {
    expect(driver.createFullType(new TableColumn({ name: 'at', type: 'datetime' }))).toBe('timestamptz');
    expect(driver.createFullType(new TableColumn({ name: 'w', type: 'real' }))).toBe('double precision');
    expect(driver.createFullType(new TableColumn({ name: 'n', type: 'integer' }))).toBe('integer');
  });

  test("a boolean column's default 1/0 becomes true/false before CREATE TABLE or ADD COLUMN", async () => {
    const runner = dataSource.driver.createQueryRunner('master');
    const seen: string[] = [];
    // The runner's own query method is the one that would reach the server: record instead.
    runner.query = (async (sql: string) => {
      seen.push(sql);
      return [];
    }) as typeof runner.query;
    (runner as unknown as { hasTable(): Promise<boolean> }).hasTable = async () => false;
    const table = new Table({ name: 't', columns: [{ name: 'on', type: 'boolean', default: 1 }, { name: 'off', type: 'boolean', default: '0' }, { name: 'n', type: 'integer', default: 1 }] });
    await runner.createTable(table).catch(() => undefined);
    expect(table.columns.map((c) => c.default)).toEqual(['true', 'false', 1]);
    const added = new TableColumn({ name: 'x', type: 'boolean', default: 1 });
    await runner.addColumn(new Table({ name: 't', columns: [] }), added).catch(() => undefined);
    expect(added.default).toBe('true');
    const more = [new TableColumn({ name: 'y', type: 'boolean', default: 0 })];
    await runner.addColumns(new Table({ name: 't', columns: [] }), more).catch(() => undefined);
    expect(more[0].default).toBe('false');
  });
});
