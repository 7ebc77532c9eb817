import type { BackupFileSource, BackupTablesExtension, BackupTableSpec } from '../api';

/** What the plugins declared, checked and put in the order rows travel in. */
export interface DeclaredTables {
  /** Parents before the tables whose rows point at them. */
  specs: readonly BackupTableSpec[];
  /** Tables never carried, on purpose (table → why). */
  leftOut: ReadonlyMap<string, string>;
  files: readonly BackupFileSource[];
}

/**
 * Collects what modules add through `backup.tables` (they run before any plugin's `init`), then
 * {@link TableRegistry.resolve} checks it as a whole once every module has had its say.
 */
export class TableRegistry implements BackupTablesExtension {
  private readonly specs = new Map<string, BackupTableSpec>();
  private readonly leftOut = new Map<string, string>();
  private readonly files = new Map<string, BackupFileSource>();

  addTable(spec: BackupTableSpec): void {
    this.claim(spec.table);
    this.specs.set(spec.table, spec);
  }

  leaveOut(table: string, why: string): void {
    this.claim(table);
    this.leftOut.set(table, why);
  }

  addFiles(source: BackupFileSource): void {
    if (this.files.has(source.id)) throw new Error(`Backup files "${source.id}" are added twice`);
    this.files.set(source.id, source);
  }

  /**
   * Checks that every table a spec names is declared too, and orders the specs. Throws, naming
   * both tables, when a spec refers to a table nobody carries, or when tables refer to each
   * other in a circle (no order would put parents first).
   */
  resolve(): DeclaredTables {
    for (const spec of this.specs.values()) {
      for (const [column, parent] of parents(spec)) {
        if (!this.specs.has(parent)) throw new Error(`Backup table "${spec.table}" refers to table "${parent}" (${column}), which no plugin declares for backups`);
      }
      for (const { table, column } of spec.deleteOnReplace ?? []) {
        if (!this.specs.has(table) && !this.leftOut.has(table)) {
          throw new Error(`Backup table "${spec.table}" clears table "${table}" (${column}) on replace, which no plugin declares for backups`);
        }
      }
    }
    return { specs: parentsFirst([...this.specs.values()]), leftOut: new Map(this.leftOut), files: [...this.files.values()] };
  }

  private claim(table: string): void {
    if (typeof table !== 'string' || table.length === 0) throw new Error('A backup table needs a name');
    if (this.specs.has(table) || this.leftOut.has(table)) throw new Error(`Backup table "${table}" is declared twice`);
  }
}

/** The tables a spec's rows point at: `[column, table]` (its owner too); a reference to itself is no ordering constraint. */
function parents(spec: BackupTableSpec): Array<[string, string]> {
  const out: Array<[string, string]> = Object.entries(spec.refs ?? {});
  if (spec.owner) out.push([spec.owner.column, spec.owner.table]);
  return out.filter(([, table]) => table !== spec.table);
}

/**
 * Parents before children (Kahn's algorithm); among tables free to go next, by name, so the
 * order does not depend on which module ran first.
 */
function parentsFirst(specs: BackupTableSpec[]): BackupTableSpec[] {
  const waiting = new Map(specs.map((s) => [s.table, new Set(parents(s).map(([, table]) => table))]));
  const ordered: BackupTableSpec[] = [];
  const byName = new Map(specs.map((s) => [s.table, s]));
  while (waiting.size) {
    const ready = [...waiting].filter(([, needs]) => needs.size === 0).map(([table]) => table).sort();
    if (!ready.length) throw new Error(`Backup tables refer to each other in a circle: ${[...waiting.keys()].sort().join(', ')}`);
    const next = ready[0];
    ordered.push(byName.get(next)!);
    waiting.delete(next);
    for (const needs of waiting.values()) needs.delete(next);
  }
  return ordered;
}
