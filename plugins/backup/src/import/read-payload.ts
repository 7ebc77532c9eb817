import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BackupError } from '../errors';
import {
  CATALOG_FILES,
  FORMAT_NAME,
  FORMAT_VERSION,
  fileLineSchema,
  manifestSchema,
  rowLineSchema,
  trailerSchema,
  upgradeRecord,
  type FileLine,
  type Manifest,
  type RowLine,
} from '../format/payload';

/** One item of a backup, in file order; the trailer has been checked when the iteration ends. */
export type PayloadItem = { kind: 'manifest'; manifest: Manifest } | { kind: 'row'; line: RowLine; index: number } | { kind: 'file'; line: FileLine };

/** What this Tomo can read: the migrations it knows (a backup with others is from a newer Tomo). */
export interface ReaderLimits {
  knownMigrations: ReadonlySet<string>;
  tomoVersion: string;
}

const invalid = (lineNo: number, message: string) => new BackupError('invalid_content', `The backup's content is invalid at line ${lineNo}: ${message}`);

/** Splits a byte stream into `\n`-terminated lines (the last line must be terminated too). */
async function* lines(source: Readable): AsyncGenerator<Buffer> {
  let rest = Buffer.alloc(0);
  for await (const chunk of source) {
    let buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let nl: number;
    while ((nl = buf.indexOf(10)) >= 0) {
      yield buf.subarray(0, nl + 1);
      buf = buf.subarray(nl + 1);
    }
    rest = Buffer.from(buf);
  }
  if (rest.length) throw new BackupError('damaged', 'The backup is cut short: its last line is incomplete');
}

/** Refuses a backup this Tomo cannot read, before anything else is looked at. */
export function checkManifest(raw: unknown, limits: ReaderLimits): Manifest {
  const head = raw as Partial<Manifest> | null;
  if (!head || typeof head !== 'object' || head.format !== FORMAT_NAME) throw new BackupError('not_a_backup', 'This age file does not hold a Tomo backup');
  if (typeof head.formatVersion === 'number' && head.formatVersion > FORMAT_VERSION) {
    throw new BackupError(
      'newer_version',
      `This backup was made by a newer Tomo (${String(head.tomoVersion)}, backup format ${head.formatVersion}); this Tomo (${limits.tomoVersion}) reads format ${FORMAT_VERSION} and older. Upgrade Tomo, then import it.`,
    );
  }
  const parsed = manifestSchema.safeParse(head);
  if (!parsed.success) throw invalid(1, `manifest ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const unknown = parsed.data.schemaMigrations.filter((m) => !limits.knownMigrations.has(m));
  if (unknown.length) {
    throw new BackupError(
      'newer_version',
      `This backup was made by a newer Tomo (${parsed.data.tomoVersion}): its database has changes this Tomo (${limits.tomoVersion}) does not know (${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', ...' : ''}). Upgrade Tomo, then import it.`,
    );
  }
  return parsed.data;
}

/**
 * Reads and checks a decrypted backup as it streams: the manifest first (a newer backup is
 * refused on line 1), every line's shape, tables in the manifest's order, and at the end the
 * trailer's counts and SHA-256 checksums against what was read.
 */
export async function* readPayload(plaintext: Readable, limits: ReaderLimits): AsyncGenerator<PayloadItem> {
  let lineNo = 0;
  let manifest: Manifest | undefined;
  let tableIndex = -1;
  let trailerSeen = false;
  const counts: Record<string, number> = {};
  const hashes = new Map<string, Hash>();
  const hashOf = (key: string) => hashes.get(key) ?? hashes.set(key, createHash('sha256')).get(key)!;

  for await (const raw of lines(plaintext)) {
    lineNo++;
    if (trailerSeen) throw invalid(lineNo, 'content after the end marker');
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      if (lineNo === 1) throw new BackupError('not_a_backup', 'This age file does not hold a Tomo backup');
      throw invalid(lineNo, 'not JSON');
    }
    if (!manifest) {
      manifest = checkManifest(value, limits);
      yield { kind: 'manifest', manifest };
      continue;
    }
    if (manifest.formatVersion < FORMAT_VERSION) value = upgradeRecord(value, manifest.formatVersion);
    if ('end' in value) {
      const trailer = trailerSchema.safeParse(value);
      if (!trailer.success) throw invalid(lineNo, 'malformed end marker');
      for (const key of [...manifest.tables.map((t) => t.table), CATALOG_FILES]) {
        const got = counts[key] ?? 0;
        if (trailer.data.counts[key] !== got) throw new BackupError('damaged', `The backup is damaged: it should hold ${trailer.data.counts[key]} ${key} rows and holds ${got}`);
        if (trailer.data.sha256[key] !== hashOf(key).digest('hex')) throw new BackupError('damaged', `The backup is damaged: the checksum of ${key} does not match`);
      }
      trailerSeen = true;
      continue;
    }
    if ('f' in value) {
      const file = fileLineSchema.safeParse(value);
      if (!file.success || !manifest.catalogs.some((c) => c.index === file.data.f.catalog)) throw invalid(lineNo, 'malformed catalog file');
      hashOf(CATALOG_FILES).update(raw);
      counts[CATALOG_FILES] = (counts[CATALOG_FILES] ?? 0) + 1;
      yield { kind: 'file', line: file.data };
      continue;
    }
    const row = rowLineSchema.safeParse(value);
    if (!row.success) throw invalid(lineNo, `${row.error.issues[0].path.join('.') || 'line'}: ${row.error.issues[0].message}`);
    const at = manifest.tables.findIndex((t) => t.table === row.data.t);
    if (at < 0) throw invalid(lineNo, `table "${row.data.t}" is not in the manifest`);
    if (at < tableIndex) throw invalid(lineNo, `rows of "${row.data.t}" out of order`);
    tableIndex = at;
    hashOf(row.data.t).update(raw);
    counts[row.data.t] = (counts[row.data.t] ?? 0) + 1;
    yield { kind: 'row', line: row.data, index: at };
  }
  if (!manifest) throw new BackupError('damaged', 'The backup is empty');
  if (!trailerSeen) throw new BackupError('damaged', 'The backup is cut short: its end marker is missing');
}
