import type { DataSource, QueryRunner, Table } from 'typeorm';
import type { DatabaseKind } from '../../db/database-url';
import { listTables, runSql } from '../../db/portable-sql';
import { forTarget, valueKind, type ValueKind } from './column-values';
import { TableChecksum } from './table-checksum';

/** One table copied, and the proof: rows and checksums read back from both sides. */
export interface TableCopy {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
}

/** Tables the copy leaves alone: TypeORM's own bookkeeping, which the target's migrations wrote. */
const BOOKKEEPING = new Set(['migrations', 'typeorm_metadata']);

/** Parameters per INSERT stay under both engines' limits (SQLite 32766, PostgreSQL 65535). */
const MAX_PARAMETERS = 30000;
const READ_BATCH = 2000;

type Column = { name: string; kind: ValueKind };

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const engineOf = (ds: DataSource): DatabaseKind => (ds.options.type === 'postgres' ? 'postgres' : 'sqlite');

/** Tables ordered so a table comes after those its foreign keys point at. */
function inDependencyOrder(tables: Table[]): Table[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: Table[] = [];
  const visit = (t: Table, path: Set<string>) => {
    if (done.has(t.name) || path.has(t.name)) return;
    path.add(t.name);
    for (const fk of t.foreignKeys) {
      const parent = byName.get(fk.referencedTableName.split('.').pop() ?? '');
      if (parent && parent !== t) visit(parent, path);
    }
    done.add(t.name);
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => (a.name < b.name ? -1 : 1))) visit(t, new Set());
  return out;
}

/**
 * Copies every row of `source` into `target`, whose schema the caller has just migrated to the
 * same version, and proves it: for each table, row counts and order-independent checksums of the
 * canonical values, read back from both. The target is written in ONE transaction (a failed copy
 * leaves it as the migrations made it); the source is read in one read transaction, a consistent
 * view even if something writes meanwhile (stop Tomo first all the same: later writes are not copied).
 */
export async function copyDatabase(source: DataSource, target: DataSource, onTable: (copy: TableCopy) => void = () => undefined): Promise<{ tables: TableCopy[]; notCopied: string[] }> {
  const names = (await listTables(target)).filter((t) => !BOOKKEEPING.has(t));
  const sourceNames = new Set(await listTables(source));
  const missing = names.filter((t) => !sourceNames.has(t));
  if (missing.length) throw new Error(`The source database lacks table(s) ${missing.join(', ')}: run "tomo migrate" on it first`);
  const notCopied = [...sourceNames].filter((t) => !names.includes(t) && !BOOKKEEPING.has(t) && !t.startsWith('sqlite_')).sort();

  const reader = source.createQueryRunner();
  const writer = target.createQueryRunner();
  try {
    const tables = inDependencyOrder(await writer.getTables(names));
    await reader.startTransaction();
    await writer.startTransaction();
    const sums = new Map<string, TableChecksum>();
    try {
      // The target's migrations may have seeded rows (default alert rules): the source's replace them.
      for (const table of [...tables].reverse()) await runSql(writer, `DELETE FROM ${quote(table.name)}`);
      for (const table of tables) sums.set(table.name, await copyTable(reader, writer, table, engineOf(target)));
      if (engineOf(target) === 'postgres') await resetSequences(writer, tables);
      await writer.commitTransaction();
    } catch (err) {
      await writer.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await reader.rollbackTransaction().catch(() => undefined);
    }
    const copies: TableCopy[] = [];
    for (const table of tables) {
      const sum = sums.get(table.name) as TableChecksum;
      const back = await checksumOf(writer, table);
      const copy = { table: table.name, sourceRows: sum.rows, targetRows: back.rows, sourceChecksum: sum.hex(), targetChecksum: back.hex() };
      copies.push(copy);
      onTable(copy);
    }
    return { tables: copies, notCopied };
  } finally {
    await reader.release();
    await writer.release();
  }
}

function columnsOf(table: Table): Column[] {
  return table.columns.map((c) => ({ name: c.name, kind: valueKind(c.type) })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Reads a table in primary-key order, page by page (keyset, not OFFSET: big history tables stay linear). */
async function readPages(runner: QueryRunner, table: Table, columns: Column[], onPage: (rows: Array<Record<string, unknown>>) => Promise<void>): Promise<void> {
  const key = table.columns.filter((c) => c.isPrimary).map((c) => c.name);
  if (!key.length) throw new Error(`Table ${table.name} has no primary key: it cannot be copied page by page`);
  const list = columns.map((c) => quote(c.name)).join(', ');
  const order = key.map(quote).join(', ');
  let after: unknown[] | undefined;
  for (;;) {
    const where = after ? `WHERE (${order}) > (${key.map(() => '?').join(', ')})` : '';
    const page = await runSql(runner, `SELECT ${list} FROM ${quote(table.name)} ${where} ORDER BY ${order} LIMIT ${READ_BATCH}`, after ?? []);
    if (!page.length) return;
    await onPage(page);
    const last = page[page.length - 1];
    after = key.map((k) => last[k]);
  }
}

/** Copies one table's rows, summing them as read from the source. */
async function copyTable(reader: QueryRunner, writer: QueryRunner, table: Table, targetEngine: DatabaseKind): Promise<TableChecksum> {
  const columns = columnsOf(table);
  const sum = new TableChecksum(columns);
  const list = columns.map((c) => quote(c.name)).join(', ');
  const rowsPerInsert = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  await readPages(reader, table, columns, async (page) => {
    for (let at = 0; at < page.length; at += rowsPerInsert) {
      const rows = page.slice(at, at + rowsPerInsert);
      const values = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      const parameters = rows.flatMap((row) => columns.map((c) => forTarget(row[c.name], c.kind, targetEngine)));
      await runSql(writer, `INSERT INTO ${quote(table.name)} (${list}) VALUES ${values}`, parameters);
    }
    for (const row of page) sum.add(row);
  });
  return sum;
}

/** Reads a table back and sums it the same way. */
async function checksumOf(runner: QueryRunner, table: Table): Promise<TableChecksum> {
  const columns = columnsOf(table);
  const sum = new TableChecksum(columns);
  await readPages(runner, table, columns, async (page) => {
    for (const row of page) sum.add(row);
  });
  return sum;
}

/**
 * PostgreSQL's generated ids come from sequences, which explicit ids do not advance: each is set
 * past the highest copied id, or the next row inserted would collide. (SQLite's AUTOINCREMENT
 * follows explicit ids by itself.)
 */
async function resetSequences(writer: QueryRunner, tables: Table[]): Promise<void> {
  for (const table of tables) {
    for (const column of table.columns.filter((c) => c.isGenerated && c.generationStrategy === 'increment')) {
      await runSql(
        writer,
        `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(${quote(column.name)}) FROM ${quote(table.name)}), 0) + 1, false)`,
        [quote(table.name), column.name],
      );
    }
  }
}
