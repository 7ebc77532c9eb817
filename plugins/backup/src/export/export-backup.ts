import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Database from 'better-sqlite3';
import type { SecretVault } from '@tomo/kernel';
import type { BackupTableSpec, ExportProgress, ExportResult } from '../api';
import { BackupError } from '../errors';
import { locationFiles, type FileLocation } from '../files/file-locations';
import { encryptStream } from '../format/age-stream';
import { CATALOG_FILES, encodeValue, FORMAT_NAME, FORMAT_VERSION, type Manifest } from '../format/payload';
import { undeclaredTables, undeclaredTableSpec } from '../tables/undeclared';
import { Snapshot } from './snapshot';

export interface ExportSources {
  /** The live database connection (the snapshot is taken from it). */
  live: Database.Database;
  /** A private folder for the snapshot. */
  workDir: string;
  vault: SecretVault;
  tomoVersion: string;
  /** The declared tables, parents first. */
  specs: readonly BackupTableSpec[];
  /** Tables left out on purpose. */
  leftOut: ReadonlyMap<string, string>;
  files: readonly FileLocation[];
  scryptWorkFactor: number;
}

export interface ExportOptions {
  password: string;
  includeHistory: boolean;
  onProgress?(progress: ExportProgress): void;
}

/**
 * The tables this export carries, in order: the declared ones that exist, then, with history,
 * the undeclared ones (row for row); and which tables no plugin declared.
 */
export function tablesToExport(
  present: Set<string>,
  specs: readonly BackupTableSpec[],
  leftOut: ReadonlyMap<string, string>,
  includeHistory: boolean,
): { tables: BackupTableSpec[]; undeclared: string[] } {
  const tables = specs.filter((s) => present.has(s.table) && (includeHistory || !s.history));
  const undeclared = undeclaredTables(present, specs, leftOut);
  if (includeHistory) tables.push(...undeclared.map(undeclaredTableSpec));
  return { tables, undeclared };
}

/**
 * Writes an encrypted backup of the whole instance to `output`. Reads a snapshot (not the live
 * file), one row at a time, so memory does not grow with the instance.
 */
export async function exportBackup(sources: ExportSources, options: ExportOptions, output: Writable): Promise<ExportResult> {
  const snapshot = await Snapshot.take(sources.live, sources.workDir);
  try {
    const { tables, undeclared } = tablesToExport(snapshot.tables(), sources.specs, sources.leftOut, options.includeHistory);
    const migrations = snapshot.tables().has('migrations')
      ? (snapshot.db.prepare('SELECT name FROM migrations ORDER BY id').all() as { name: string }[]).map((m) => m.name)
      : [];
    const manifest: Manifest = {
      format: FORMAT_NAME,
      formatVersion: FORMAT_VERSION,
      tomoVersion: sources.tomoVersion,
      createdAt: new Date().toISOString(),
      schemaMigrations: migrations,
      includesHistory: options.includeHistory,
      tables: tables.map((t) => ({ table: t.table, label: t.label })),
      catalogs: sources.files.map(({ index, name, kind }) => ({ index, name, kind })),
    };
    const total = tables.reduce((n, t) => n + (snapshot.db.prepare(`SELECT COUNT(*) AS n FROM "${t.table}"`).get() as { n: number }).n, 0);
    const counts: Record<string, number> = {};
    const lines = payloadLines(snapshot, tables, manifest, sources, counts, (done, label) => options.onProgress?.({ done, total, label }));
    let bytes = 0;
    const encrypted = await encryptStream(Readable.from(lines), options.password, sources.scryptWorkFactor);
    encrypted.on('data', (c: Buffer) => (bytes += c.length));
    await pipeline(encrypted, output);
    return { counts, bytes, undeclared };
  } finally {
    snapshot.close();
  }
}

const PROGRESS_EVERY = 5000;

/**
 * Rows in a stable order: by rowid, or by the primary key for a `WITHOUT ROWID` table (which has
 * no rowid; the monitoring plugin's rollups are such tables).
 */
function rowOrder(db: Snapshot['db'], table: string): string {
  const info = db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as Array<{ name: string; pk: number }>;
  const withoutRowid = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? AND sql LIKE '%WITHOUT ROWID%'`).get(table) !== undefined;
  const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  return withoutRowid && key.length ? key.map((c) => `"${c.name.replace(/"/g, '""')}"`).join(', ') : 'rowid';
}

async function* payloadLines(
  snapshot: Snapshot,
  tables: readonly BackupTableSpec[],
  manifest: Manifest,
  sources: ExportSources,
  counts: Record<string, number>,
  progress: (done: number, label: string) => void,
): AsyncGenerator<Buffer> {
  yield Buffer.from(`${JSON.stringify(manifest)}\n`);
  const sha256: Record<string, string> = {};
  let done = 0;
  for (const spec of tables) {
    const hash = createHash('sha256');
    let n = 0;
    progress(done, spec.label);
    for (const row of snapshot.db.prepare(`SELECT * FROM "${spec.table}" ORDER BY ${rowOrder(snapshot.db, spec.table)}`).iterate() as Iterable<Record<string, unknown>>) {
      yield line(hash, rowLine(spec, row, sources.vault));
      n++;
      if (++done % PROGRESS_EVERY === 0) progress(done, spec.label);
    }
    counts[spec.table] = n;
    sha256[spec.table] = hash.digest('hex');
  }
  progress(done, 'catalog files');
  const fileHash = createHash('sha256');
  let files = 0;
  for (const location of sources.files) {
    for (const file of locationFiles(location)) {
      yield line(fileHash, { f: { catalog: location.index, path: file.rel }, d: fs.readFileSync(file.abs).toString('base64') });
      files++;
    }
  }
  counts[CATALOG_FILES] = files;
  sha256[CATALOG_FILES] = fileHash.digest('hex');
  yield Buffer.from(`${JSON.stringify({ end: true, counts, sha256 })}\n`);
}

function line(hash: Hash, value: unknown): Buffer {
  const buf = Buffer.from(`${JSON.stringify(value)}\n`);
  hash.update(buf);
  return buf;
}

/** One row as it travels: sealed columns opened (the archive itself is the protection). */
function rowLine(spec: BackupTableSpec, row: Record<string, unknown>, vault: SecretVault): { t: string; r: Record<string, unknown>; s?: Record<string, string | null> } {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) r[k] = encodeValue(v);
  if (!spec.sealed?.length) return { t: spec.table, r };
  const s: Record<string, string | null> = {};
  for (const column of spec.sealed) {
    const sealed = row[column];
    delete r[column];
    try {
      s[column] = typeof sealed === 'string' ? vault.openText(sealed, String(row.id)) : null;
    } catch (err) {
      const what = spec.describe?.(row) ?? `${spec.label} ${String(row.id)}`;
      throw new BackupError('invalid_content', `Cannot export ${what}: its stored secret does not open (${(err as Error).message})`);
    }
  }
  return { t: spec.table, r, s };
}
