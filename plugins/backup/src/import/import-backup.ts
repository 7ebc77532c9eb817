import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { SecretVault } from '@tomo/kernel';
import type { BackupTableSpec, ImportSummary, OnConflict } from '../api';
import { BackupError } from '../errors';
import { restoredPath } from '../files/file-locations';
import { decryptStream, readHeader, unlockFileKey } from '../format/age-stream';
import type { Manifest } from '../format/payload';
import { undeclaredTableSpec } from '../tables/undeclared';
import type { ImportTarget } from '../db/import-target';
import { Applier } from './applier';
import { readPayload, type ReaderLimits } from './read-payload';

export interface ImportSources extends ReaderLimits {
  /** The database rows are imported into (SQLite or PostgreSQL). */
  target: ImportTarget;
  vault: SecretVault;
  /** The declared tables (a table the backup holds and none declares here is taken row for row). */
  specs: readonly BackupTableSpec[];
  /** Where restored catalogs go: `<root>/<index>-<name>/`. */
  catalogRoot: string;
}

export interface ImportOptions {
  password: string;
  onConflict: OnConflict;
  /** false: check everything and say what would change, write nothing. */
  apply: boolean;
  onProgress?(progress: { done: number; total: number; phase: 'checking' | 'applying' }): void;
}

/**
 * Imports a backup: the password is checked on the header (scrypt runs once), then the whole
 * file is decrypted and checked and the changes are worked out read-only; only when all of it
 * holds is it read a second time and applied in one transaction. A wrong password, a damaged,
 * cut or newer file is refused before anything is written. `open` gives the file from its start
 * each time it is called.
 */
export async function importBackup(open: () => Readable, sources: ImportSources, options: ImportOptions): Promise<ImportSummary> {
  const fileKey = await unlockFileKey(await readHeader(open()), options.password);
  const checked = await sources.target.read((db) =>
    pass(open, fileKey, sources, options, new Applier(db, sources.vault, options.onConflict, false), (done) => options.onProgress?.({ done, total: 0, phase: 'checking' })),
  );
  if (!options.apply) return checked.summary;

  const incoming = path.join(sources.catalogRoot, `.incoming-${randomUUID()}`);
  try {
    const applied = await sources.target.write((db) =>
      pass(open, fileKey, sources, options, new Applier(db, sources.vault, options.onConflict, true), (done) => options.onProgress?.({ done, total: checked.rows, phase: 'applying' }), incoming),
    );
    placeCatalogs(incoming, sources.catalogRoot);
    return { ...applied.summary, applied: true };
  } finally {
    fs.rmSync(incoming, { recursive: true, force: true });
  }
}

function specFor(table: string, specs: readonly BackupTableSpec[]): BackupTableSpec {
  return specs.find((s) => s.table === table) ?? undeclaredTableSpec(table);
}

const PROGRESS_EVERY = 5000;

/** One read of the whole backup through an applier (dry or real); files go to `incoming` when given. */
async function pass(
  open: () => Readable,
  fileKey: Uint8Array,
  sources: ImportSources,
  options: ImportOptions,
  applier: Applier,
  progress: (done: number) => void,
  incoming?: string,
): Promise<{ summary: ImportSummary; rows: number }> {
  let manifest: Manifest | undefined;
  let specs: BackupTableSpec[] = [];
  const files = new Map<number, number>();
  let rows = 0;
  for await (const item of readPayload(await decryptStream(open(), fileKey), sources)) {
    if (item.kind === 'manifest') {
      manifest = item.manifest;
      specs = manifest.tables.map((t) => specFor(t.table, sources.specs));
      await applier.begin(specs, manifest.schemaMigrations);
    } else if (item.kind === 'row') {
      await applier.apply(specs[item.index], item.line);
      if (++rows % PROGRESS_EVERY === 0) progress(rows);
    } else {
      const catalog = manifest!.catalogs.find((c) => c.index === item.line.f.catalog)!;
      let target: string;
      try {
        target = restoredPath(incoming ?? sources.catalogRoot, catalogDirName(catalog), item.line.f.path);
      } catch (err) {
        throw new BackupError('invalid_content', `The backup's content is invalid: ${(err as Error).message}`);
      }
      if (incoming) {
        fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
        fs.writeFileSync(target, Buffer.from(item.line.d, 'base64'), { mode: 0o600 });
      }
      files.set(catalog.index, (files.get(catalog.index) ?? 0) + 1);
    }
  }
  await applier.finish();
  progress(rows);
  const m = manifest!;
  return {
    rows,
    summary: {
      source: { tomoVersion: m.tomoVersion, createdAt: m.createdAt, formatVersion: m.formatVersion, includesHistory: m.includesHistory },
      onConflict: options.onConflict,
      applied: false,
      tables: [...applier.outcomes.values()],
      conflicts: applier.conflicts,
      conflictCount: applier.conflictCount,
      catalogs: m.catalogs.map((c) => ({ name: c.name, files: files.get(c.index) ?? 0, restoredTo: path.join(sources.catalogRoot, catalogDirName(c)) })),
    },
  };
}

function catalogDirName(c: Manifest['catalogs'][number]): string {
  return `${c.index}-${c.name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** Moves restored catalogs into place once the database has them (an earlier import's copy is replaced). */
function placeCatalogs(incoming: string, root: string): void {
  if (!fs.existsSync(incoming)) return;
  for (const name of fs.readdirSync(incoming)) {
    const final = path.join(root, name);
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(path.join(incoming, name), final);
  }
}
