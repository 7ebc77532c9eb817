import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SecretVault } from '@tomo/kernel';
import type { BackupTableSpec, ExportProgress, ExportResult } from '../api';
import { BackupError } from '../errors';
import { locationFiles, type FileLocation } from '../files/file-locations';
import { encryptStream } from '../format/age-stream';
import { CATALOG_FILES, encodeValue, FORMAT_NAME, FORMAT_VERSION, type Manifest } from '../format/payload';
import { undeclaredTables, undeclaredTableSpec } from '../tables/undeclared';
import type { DatabaseSnapshot } from './database-snapshot';

export interface ExportSources {
  /** Takes the consistent view of the database the export reads (SQLite: a copy; PostgreSQL: a transaction). */
  snapshot(): Promise<DatabaseSnapshot>;
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
  const snapshot = await sources.snapshot();
  try {
    const { tables, undeclared } = tablesToExport(await snapshot.tables(), sources.specs, sources.leftOut, options.includeHistory);
    const migrations = await snapshot.migrations();
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
    let total = 0;
    for (const t of tables) total += await snapshot.count(t.table);
    const counts: Record<string, number> = {};
    const lines = payloadLines(snapshot, tables, manifest, sources, counts, (done, label) => options.onProgress?.({ done, total, label }));
    let bytes = 0;
    const encrypted = await encryptStream(Readable.from(lines), options.password, sources.scryptWorkFactor);
    encrypted.on('data', (c: Buffer) => (bytes += c.length));
    await pipeline(encrypted, output);
    return { counts, bytes, undeclared };
  } finally {
    await snapshot.close();
  }
}

const PROGRESS_EVERY = 5000;

async function* payloadLines(
  snapshot: DatabaseSnapshot,
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
    for await (const row of snapshot.rows(spec.table)) {
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
