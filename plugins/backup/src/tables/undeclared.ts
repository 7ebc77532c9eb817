import type { BackupTableSpec } from '../api';

/** The database's own bookkeeping: TypeORM's migration list and metadata, SQLite's counters. Never carried. */
const DATABASE_BOOKKEEPING = new Set(['migrations', 'typeorm_metadata', 'sqlite_sequence']);

/**
 * Tables of the database that no plugin declared through `backup.tables`, neither carried nor
 * left out on purpose: a removed plugin's data, or a third-party plugin that does not declare
 * its tables. Sorted by name.
 */
export function undeclaredTables(present: Iterable<string>, specs: readonly BackupTableSpec[], leftOut: ReadonlyMap<string, string>): string[] {
  const declared = new Set(specs.map((s) => s.table));
  return [...present].filter((t) => !declared.has(t) && !leftOut.has(t) && !DATABASE_BOOKKEEPING.has(t) && !t.startsWith('sqlite_')).sort();
}

/**
 * How an undeclared table travels (with `--include-history` only): row for row by primary key,
 * ids kept. Backup knows no plugin's columns, so no reference is remapped: a plugin that wants
 * its rows matched declares its table.
 */
export function undeclaredTableSpec(table: string): BackupTableSpec {
  return { table, label: table, history: true };
}
