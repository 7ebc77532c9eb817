import type { SecretVault } from '@tomo/kernel';
import { BackupError } from '../errors';
import type { BackupRowUpgrade, BackupTableSpec, Conflict, OnConflict, TableOutcome } from '../api';
import { afterImport, insertedId, insertReturningIdSql, quote, toColumnValue, upsertSql, type BackupDb, type ColumnKind } from '../db/backup-db';
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
  private readonly columns = new Map<string, Map<string, ColumnKind> | null>();
  private readonly primaryKeys = new Map<string, string[]>();
  /** Tables rows were written to (PostgreSQL's id sequences are moved past them at the end). */
  private readonly written = new Set<string>();
  /** What owners' row upgraders see (set by {@link begin}). */
  private upgrade: BackupRowUpgrade | undefined;

  constructor(
    private readonly db: BackupDb,
    private readonly vault: SecretVault,
    private readonly onConflict: OnConflict,
    private readonly write: boolean,
  ) {}

  /**
   * Registers the backup's tables (from the manifest) so tables without rows show in the summary,
   * and the migrations its rows follow (for owners' row upgraders).
   */
  async begin(specs: readonly BackupTableSpec[], backupMigrations: readonly string[]): Promise<void> {
    this.upgrade = this.upgradeContext(backupMigrations);
    for (const spec of specs) await this.outcome(spec);
  }

  /** Once every row was applied (for real): what the engine needs after rows came with their ids. */
  async finish(): Promise<void> {
    if (this.write) await afterImport(this.db, this.written);
  }

  async apply(spec: BackupTableSpec, line: RowLine): Promise<void> {
    const outcome = await this.outcome(spec);
    outcome.inBackup++;
    if (outcome.absent) return;
    const cols = (await this.targetColumns(spec.table))!;
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
      const upgraded = await this.upgradeRow(spec, row);
      if (!upgraded) {
        outcome.skipped++;
        return;
      }
      row = upgraded;
      for (const k of Object.keys(row)) this.checkColumn(spec, cols, k);
    }

    if (spec.owner) return this.applyOwned(spec, row, line, outcome);
    if (spec.naturalKeys) return this.applyKeyed(spec, row, line, outcome, backupId);
    await this.applyPlain(spec, row, outcome);
  }

  /** Rows that belong to a parent (tokens of a user, preparation of a server) share its fate. */
  private async applyOwned(spec: BackupTableSpec, row: Row, line: RowLine, outcome: TableOutcome): Promise<void> {
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
        if (this.write) await this.db.run(`DELETE FROM ${quote(spec.table)} WHERE ${quote(column)} = ?`, [target]);
      }
      outcome.replaced++;
    } else {
      outcome.added++;
    }
    if (spec.generatedId) delete row.id;
    await this.insert(spec, row, line);
  }

  /** Rows with an identity of their own (a natural key): matched, then added, replaced or kept. */
  private async applyKeyed(spec: BackupTableSpec, row: Row, line: RowLine, outcome: TableOutcome, backupId: string | undefined): Promise<void> {
    if (!backupId) throw new BackupError('invalid_content', `The backup holds ${spec.label} without an id`);
    const match = await this.findMatch(spec, row, backupId);
    const ids = this.idMaps.get(spec.table) ?? this.idMaps.set(spec.table, new Map()).get(spec.table)!;
    const decisions = this.decisions.get(spec.table) ?? this.decisions.set(spec.table, new Map()).get(spec.table)!;
    if (!match) {
      decisions.set(backupId, 'insert');
      outcome.added++;
      if (spec.generatedId) {
        // The database hands out the id here: rows pointing at this one follow it.
        delete row.id;
        const given = await this.insertReturningId(spec, row, line);
        ids.set(backupId, given === undefined ? backupId : String(given));
        return;
      }
      ids.set(backupId, backupId);
      await this.insert(spec, row, line);
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
        if ((await this.targetColumns(table))?.has(column)) await this.db.run(`DELETE FROM ${quote(table)} WHERE ${quote(column)} = ?`, [match]);
      }
      this.seal(spec, row, line);
      const sets = Object.keys(row).filter((k) => k !== 'id');
      const kinds = (await this.targetColumns(spec.table))!;
      await this.db.run(`UPDATE ${quote(spec.table)} SET ${sets.map((k) => `${quote(k)} = ?`).join(', ')} WHERE id = ?`, [
        ...sets.map((k) => toColumnValue(kinds.get(k), row[k])),
        match,
      ]);
      this.written.add(spec.table);
    }
  }

  /** Tables without natural keys or an owner (history, undeclared ones): row for row, by primary key. */
  private async applyPlain(spec: BackupTableSpec, row: Row, outcome: TableOutcome): Promise<void> {
    if (!this.write) {
      outcome.added++;
      return;
    }
    const changed = await this.insert(spec, row, { t: spec.table, r: {} }, this.onConflict);
    if (changed) outcome.added++;
    else outcome.skipped++;
  }

  private checkColumn(spec: BackupTableSpec, cols: ReadonlyMap<string, ColumnKind>, column: string): void {
    if (!cols.has(column)) throw new BackupError('invalid_content', `The backup's ${spec.label} have a column "${column}" this Tomo does not know`);
  }

  /** The owner's upgrade of a row from an older schema; its refusal names the table. */
  private async upgradeRow(spec: BackupTableSpec, row: Row): Promise<Row | null> {
    try {
      return await spec.upgradeRow!(row, (this.upgrade ??= this.upgradeContext([])));
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
        get: async (sql, ...params) => (await this.db.get(sql, params)) as Row | undefined,
        run: async (sql, ...params) => {
          if (!this.write) throw new Error('an upgrade wrote to the database during a check');
          // An INSERT tells the id it gave: SQLite's rowid, PostgreSQL's through RETURNING.
          const returning = this.db.engine === 'postgres' && /^\s*insert\b/i.test(sql) && !/\breturning\b/i.test(sql);
          const result = await this.db.run(returning ? `${sql} RETURNING *` : sql, params);
          const id = insertedId(result);
          return { lastInsertRowid: typeof id === 'number' ? id : Number(id ?? 0) };
        },
      },
      dryRun: !this.write,
    };
  }

  private async findMatch(spec: BackupTableSpec, row: Row, backupId: string): Promise<string | undefined> {
    // A generated id is only a number: the same one here may well be another record.
    const byId = spec.generatedId ? undefined : await this.db.get(`SELECT id FROM ${quote(spec.table)} WHERE id = ?`, [backupId]);
    if (byId) return String(byId.id);
    const kinds = (await this.targetColumns(spec.table))!;
    for (const key of spec.naturalKeys ?? []) {
      const where = key.map((k) => `${quote(k)} = ?`).join(' AND ');
      const found = await this.db.get(`SELECT id FROM ${quote(spec.table)} WHERE ${where} LIMIT 1`, key.map((k) => toColumnValue(kinds.get(k), row[k])));
      if (found) return String(found.id);
    }
    return undefined;
  }

  /** Inserts a row whose id the database gives: that id (undefined in a dry run). */
  private async insertReturningId(spec: BackupTableSpec, row: Row, line: RowLine): Promise<number | string | undefined> {
    if (!this.write) return undefined;
    this.seal(spec, row, line);
    const keys = Object.keys(row);
    const result = await this.db.run(insertReturningIdSql(this.db, spec.table, keys), await this.values(spec.table, row, keys));
    return insertedId(result);
  }

  /** A plain INSERT, or (`onConflict`) one keeping or replacing a row with the same primary key; whether it wrote. */
  private async insert(spec: BackupTableSpec, row: Row, line: RowLine, onConflict?: OnConflict): Promise<boolean> {
    if (!this.write) return true;
    this.seal(spec, row, line);
    const keys = Object.keys(row);
    const sql = onConflict
      ? upsertSql(this.db, spec.table, keys, await this.primaryKey(spec.table), onConflict)
      : `INSERT INTO ${quote(spec.table)} (${keys.map(quote).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`;
    const changed = (await this.db.run(sql, await this.values(spec.table, row, keys))).changes > 0;
    if (changed) this.written.add(spec.table);
    return changed;
  }

  /** The row's values in `keys` order, as the target's columns take them. */
  private async values(table: string, row: Row, keys: readonly string[]): Promise<unknown[]> {
    const kinds = (await this.targetColumns(table))!;
    return keys.map((k) => toColumnValue(kinds.get(k), row[k]));
  }

  private async primaryKey(table: string): Promise<string[]> {
    if (!this.primaryKeys.has(table)) this.primaryKeys.set(table, await this.db.primaryKey(table));
    return this.primaryKeys.get(table)!;
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

  private async outcome(spec: BackupTableSpec): Promise<TableOutcome> {
    let o = this.outcomes.get(spec.table);
    if (!o) {
      const present = await this.targetColumns(spec.table);
      o = { table: spec.table, label: spec.label, inBackup: 0, added: 0, replaced: 0, skipped: 0, ...(present ? {} : { absent: true }) };
      this.outcomes.set(spec.table, o);
    }
    return o;
  }

  private async targetColumns(table: string): Promise<Map<string, ColumnKind> | null> {
    if (!this.columns.has(table)) this.columns.set(table, await this.db.columns(table));
    return this.columns.get(table)!;
  }
}
