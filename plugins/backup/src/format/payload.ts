import { z } from 'zod';

/**
 * The plaintext inside the age file: JSON Lines (one JSON object per `\n`-terminated line), so
 * both sides stream it and `age -d backup.enc | head` shows what is inside. See
 * docs/backup-format.md. Line 1 is the manifest, the last line the trailer; between them rows
 * (`t`) and catalog files (`f`), parents before the rows that point at them.
 */
export const FORMAT_NAME = 'tomo-backup';
/** Bumped when the payload's shape changes; older versions are upgraded on import ({@link upgradeRecord}). */
export const FORMAT_VERSION = 1;

export const manifestSchema = z.object({
  format: z.literal(FORMAT_NAME),
  formatVersion: z.number().int().min(1),
  tomoVersion: z.string(),
  createdAt: z.string(),
  /** Names of the database migrations applied on the source: the schema the rows follow. */
  schemaMigrations: z.array(z.string()),
  includesHistory: z.boolean(),
  /** Tables in the order their rows follow. */
  tables: z.array(z.object({ table: z.string().min(1), label: z.string() })),
  /**
   * Folders and files plugins carry (through `addFiles`; the apps plugin: custom catalogs). `kind`
   * is the owner's word, carried as is (e.g. `folder`).
   */
  catalogs: z.array(z.object({ index: z.number().int().min(0), name: z.string().min(1), kind: z.string().min(1) })),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** A database value as SQLite holds it: JSON has no bytes, so a BLOB travels as `{ "$b64": "..." }`. */
export type SqlValue = string | number | null | Buffer | bigint;

export const rowLineSchema = z.object({
  t: z.string().min(1),
  r: z.record(z.string(), z.unknown()),
  /** The opened values of sealed columns (`column → plaintext`). */
  s: z.record(z.string(), z.string().nullable()).optional(),
});
export type RowLine = z.infer<typeof rowLineSchema>;

export const fileLineSchema = z.object({
  f: z.object({ catalog: z.number().int().min(0), path: z.string().min(1) }),
  d: z.string(),
});
export type FileLine = z.infer<typeof fileLineSchema>;

export const trailerSchema = z.object({
  end: z.literal(true),
  /** Rows per table, and `catalog files`. */
  counts: z.record(z.string(), z.number().int().min(0)),
  /** SHA-256 (hex) of each table's lines, exactly as written, newline included. */
  sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});
export type Trailer = z.infer<typeof trailerSchema>;

/** The key the counts and checksums of catalog files go under. */
export const CATALOG_FILES = 'catalog files';

/**
 * A database value as the file holds it, the same whichever engine it was read from: SQLite's
 * forms. A PostgreSQL timestamp becomes the UTC text TypeORM stores on SQLite
 * (`2026-01-02 03:04:05.678`), a boolean 0 or 1, so a backup made on either engine imports on
 * either, and backups of earlier releases (SQLite) read as before.
 */
export function encodeValue(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return { $b64: v.toString('base64') };
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

export function decodeValue(v: unknown): SqlValue {
  if (v !== null && typeof v === 'object' && '$b64' in v && typeof (v as { $b64: unknown }).$b64 === 'string') return Buffer.from((v as { $b64: string }).$b64, 'base64');
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v === null) return v;
  throw new Error('holds a value that is not a database value');
}

/**
 * Upgrades one line of an older format version to the current one. Version 1 is the first;
 * a future version 2 adds its step here, so a version-1 backup keeps opening.
 */
export function upgradeRecord(line: Record<string, unknown>, fromVersion: number): Record<string, unknown> {
  let upgraded = line;
  for (let v = fromVersion; v < FORMAT_VERSION; v++) upgraded = UPGRADES[v]?.(upgraded) ?? upgraded;
  return upgraded;
}
const UPGRADES: Record<number, (line: Record<string, unknown>) => Record<string, unknown>> = {};
