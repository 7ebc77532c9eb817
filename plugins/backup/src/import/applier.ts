import type Database from 'better-sqlite3';
import type { SecretVault } from '@tomo/kernel';
import { BackupError } from '../errors';
import type { BackupRowUpgrade, BackupTableSpec, Conflict, OnConflict, TableOutcome } from '../api';
import { decodeValue, type RowLine, type SqlValue } from '../format/payload';

/** Conflicts listed one by one at most; beyond, only counted (history tables can be huge). */
export const MAX_LISTED_CONFLICTS = 500;

type Row = Record<string, SqlValue>;
type Decision = 'insert' | 'overwrite' | 'skip';

/**
 * Decides, row by row, what importing does to the target: match each row with an existing one
 * (by id, then natural key), follow `onConflict`, remap ids that now point at the matched rows,
 * seal secrets again for their new owner. The same code runs twice: first read-only (`write`
 * false) to validate and to build the summary, then for real inside the import transaction, so
 * the summary shown is exactly what is applied.
 */
export class Applier {
  readonly outcomes = new Map<string, TableOutcome>();
  readonly conflicts: Conflict[] = [];
  conflictCount = 0;
  /** backup id → target id, per parent table. */
  private readonly idMaps = new Map<string, Map<string, string>>();
  /** backup id → what was decided, per parent table. */
  private readonly decisions = new Map<string, Map<string, Decision>>();
  /** Parents whose old children were already removed (overwrite), per child table. */
  private readonly cleared = new Map<string, Set<string>>();
  private readonly columns = new Map<string, Set<string> | null>();
  private readonly statements = new Map<string, Database.Statement>();
  /** What owners' row upgraders see (set by {@link begin}). */
  private upgrade: BackupRowUpgrade | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly vault: SecretVault,
    private readonly onConflict: OnConflict,
    private readonly write: boolean,
  ) {}

  /**
   * Registers the backup's tables (from the manifest) so tables without rows show in the summary,
   * and the migrations its rows follow (for owners' row upgraders).
   */
  begin(specs: readonly BackupTableSpec[], backupMigrations: readonly string[]): void {
    this.upgrade = this.upgradeContext(backupMigrations);
    for (const spec of specs) this.outcome(spec);
  }

  apply(spec: BackupTableSpec, line: RowLine): void {
    const outcome = this.outcome(spec);
    outcome.inBackup++;
    if (outcome.absent) return;
    const cols = this.targetColumns(spec.table)!;
    let row: Row = {};
    for (const [k, v] of Object.entries(line.r)) {
      // A row its owner upgrades may hold columns of an older schema: checked once upgraded.
      if (!spec.upgradeRow) this.checkColumn(spec, cols, k);
      try {
        row[k] = decodeValue(v);
      } catch (err) {
        throw new BackupError('invalid_content', `The backup's ${spec.label} column "${k}" ${(err as Error).message}`);
      }
    }
    for (const column of spec.sealed ?? []) {
      if (!line.s || !(column in line.s)) throw new BackupError('invalid_content', `The backup's ${spec.label} lack their secret "${column}"`);
    }
    const backupId = row.id == null ? undefined : String(row.id);
    for (const [column, parent] of Object.entries(spec.refs ?? {})) {
      const mapped = row[column] == null ? undefined : this.idMaps.get(parent)?.get(String(row[column]));
      if (mapped) row[column] = mapped;
    }
    if (spec.upgradeRow) {
      const upgraded = this.upgradeRow(spec, row);
      if (!upgraded) {
        outcome.skipped++;
        return;
      }
      row = upgraded;
      for (const k of Object.keys(row)) this.checkColumn(spec, cols, k);
    }

    if (spec.owner) return this.applyOwned(spec, row, line, outcome);
    if (spec.naturalKeys) return this.applyKeyed(spec, row, line, outcome, backupId);
    this.applyPlain(spec, row, outcome);
  }

  /** Rows that belong to a parent (tokens of a user, preparation of a server) share its fate. */
  private applyOwned(spec: BackupTableSpec, row: Row, line: RowLine, outcome: TableOutcome): void {
    const { column, table } = spec.owner!;
    const parentId = String(row[column]);
    const decision = this.decisions.get(table)?.get(parentId) ?? 'insert';
    if (decision === 'skip') {
      outcome.skipped++;
      return;
    }
    const target = this.idMaps.get(table)?.get(parentId) ?? parentId;
    row[column] = target;
    if (decision === 'overwrite') {
      const done = this.cleared.get(spec.table) ?? this.cleared.set(spec.table, new Set()).get(spec.table)!;
      if (!done.has(target)) {
        done.add(target);
        if (this.write) this.db.prepare(`DELETE FROM "${spec.table}" WHERE "${column}" = ?`).run(target);
      }
      outcome.replaced++;
    } else {
      outcome.added++;
    }
    if (spec.generatedId) delete row.id;
    this.insert(spec, row, line, 'INSERT');
  }

  /** Rows with an identity of their own (a natural key): matched, then added, replaced or kept. */
  private applyKeyed(spec: BackupTableSpec, row: Row, line: RowLine, outcome: TableOutcome, backupId: string | undefined): void {
    if (!backupId) throw new BackupError('invalid_content', `The backup holds ${spec.label} without an id`);
    const match = this.findMatch(spec, row, backupId);
    const ids = this.idMaps.get(spec.table) ?? this.idMaps.set(spec.table, new Map()).get(spec.table)!;
    const decisions = this.decisions.get(spec.table) ?? this.decisions.set(spec.table, new Map()).get(spec.table)!;
    if (!match) {
      decisions.set(backupId, 'insert');
      outcome.added++;
      if (spec.generatedId) {
        // The database hands out the id here: rows pointing at this one follow it.
        delete row.id;
        const given = this.insertReturningId(spec, row, line);
        ids.set(backupId, given === undefined ? backupId : String(given));
        return;
      }
      ids.set(backupId, backupId);
      this.insert(spec, row, line, 'INSERT');
      return;
    }
    ids.set(backupId, match);
    decisions.set(backupId, this.onConflict);
    this.noteConflict(spec.table, spec.describe?.(row) ?? `${spec.label} ${backupId}`);
    if (this.onConflict === 'skip') {
      outcome.skipped++;
      return;
    }
    outcome.replaced++;
    row.id = match;
    if (this.write) {
      // What the owner says stops being valid with the row (a replaced user's sessions: the password or role may have changed).
      for (const { table, column } of spec.deleteOnReplace ?? []) {
        if (this.targetColumns(table)?.has(column)) this.statement(`DELETE FROM "${table}" WHERE "${column}" = ?`).run(match);
      }
      this.seal(spec, row, line);
      const sets = Object.keys(row).filter((k) => k !== 'id');
      this.statement(`UPDATE "${spec.table}" SET ${sets.map((k) => `"${k}" = @${k}`).join(', ')} WHERE id = @id`).run(row);
    }
  }

  /** Tables without natural keys or an owner (history, undeclared ones): row for row, by primary key. */
  private applyPlain(spec: BackupTableSpec, row: Row, outcome: TableOutcome): void {
    if (!this.write) {
      outcome.added++;
      return;
    }
    const verb = this.onConflict === 'overwrite' ? 'INSERT OR REPLACE' : 'INSERT OR IGNORE';
    const changed = this.insert(spec, row, { t: spec.table, r: {} }, verb);
    if (changed) outcome.added++;
    else outcome.skipped++;
  }

  private checkColumn(spec: BackupTableSpec, cols: Set<string>, column: string): void {
    if (!cols.has(column)) throw new BackupError('invalid_content', `The backup's ${spec.label} have a column "${column}" this Tomo does not know`);
  }

  /** The owner's upgrade of a row from an older schema; its refusal names the table. */
  private upgradeRow(spec: BackupTableSpec, row: Row): Row | null {
    try {
      return spec.upgradeRow!(row, (this.upgrade ??= this.upgradeContext([])));
    } catch (err) {
      if (err instanceof BackupError) throw err;
      throw new BackupError('invalid_content', `The backup's ${spec.label} could not be brought to this Tomo's shape: ${(err as Error).message}`);
    }
  }

  private upgradeContext(backupMigrations: readonly string[]): BackupRowUpgrade {
    return {
      backupMigrations: new Set(backupMigrations),
      targetId: (table, backupId) => this.idMaps.get(table)?.get(backupId),
      db: {
        get: (sql, ...params) => this.statement(sql).get(...params) as Row | undefined,
        run: (sql, ...params) => {
          if (!this.write) throw new Error('an upgrade wrote to the database during a check');
          return this.statement(sql).run(...params);
        },
      },
      dryRun: !this.write,
    };
  }

  private findMatch(spec: BackupTableSpec, row: Row, backupId: string): string | undefined {
    // A generated id is only a number: the same one here may well be another record.
    const byId = spec.generatedId ? undefined : (this.statement(`SELECT id FROM "${spec.table}" WHERE id = ?`).get(backupId) as { id: string } | undefined);
    if (byId) return byId.id;
    for (const key of spec.naturalKeys ?? []) {
      const where = key.map((k) => `"${k}" = ?`).join(' AND ');
      const found = this.statement(`SELECT id FROM "${spec.table}" WHERE ${where} LIMIT 1`).get(...key.map((k) => row[k])) as { id: string } | undefined;
      if (found) return found.id;
    }
    return undefined;
  }

  /** Inserts a row whose id the database gives: that id (undefined in a dry run). */
  private insertReturningId(spec: BackupTableSpec, row: Row, line: RowLine): number | bigint | undefined {
    if (!this.write) return undefined;
    this.seal(spec, row, line);
    const keys = Object.keys(row);
    return this.statement(`INSERT INTO "${spec.table}" (${keys.map((k) => `"${k}"`).join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`).run(row).lastInsertRowid;
  }

  private insert(spec: BackupTableSpec, row: Row, line: RowLine, verb: string): boolean {
    if (!this.write) return true;
    this.seal(spec, row, line);
    const keys = Object.keys(row);
    const sql = `${verb} INTO "${spec.table}" (${keys.map((k) => `"${k}"`).join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`;
    return this.statement(sql).run(row).changes > 0;
  }

  /** Seals opened secrets with this instance's vault, bound to the row's id here. */
  private seal(spec: BackupTableSpec, row: Row, line: RowLine): void {
    for (const column of spec.sealed ?? []) {
      const plain = line.s?.[column];
      row[column] = plain == null ? null : this.vault.seal(plain, String(row.id));
    }
  }

  private noteConflict(table: string, what: string): void {
    this.conflictCount++;
    if (this.conflicts.length < MAX_LISTED_CONFLICTS) this.conflicts.push({ table, what, action: this.onConflict });
  }

  private outcome(spec: BackupTableSpec): TableOutcome {
    let o = this.outcomes.get(spec.table);
    if (!o) {
      o = { table: spec.table, label: spec.label, inBackup: 0, added: 0, replaced: 0, skipped: 0, ...(this.targetColumns(spec.table) ? {} : { absent: true }) };
      this.outcomes.set(spec.table, o);
    }
    return o;
  }

  private targetColumns(table: string): Set<string> | null {
    if (!this.columns.has(table)) {
      const info = this.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
      this.columns.set(table, info.length ? new Set(info.map((c) => c.name)) : null);
    }
    return this.columns.get(table)!;
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
