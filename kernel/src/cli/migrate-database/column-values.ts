import type { DatabaseKind } from '../../db/database-url';

/**
 * What a column holds, as far as copying and comparing need to know. Read from the TARGET's
 * schema (both engines' column type names), because SQLite's own names are loose.
 */
export type ValueKind = 'time' | 'boolean' | 'number' | 'bytes' | 'text';

/** The kind of a column from its declared type on either engine. */
export function valueKind(type: string): ValueKind {
  const t = type.toLowerCase();
  if (t.includes('timestamp') || t === 'datetime' || t === 'timestamptz' || t === 'date') return 'time';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (/^(integer|int|int2|int4|int8|bigint|smallint|real|double precision|float|float4|float8|numeric|decimal)/.test(t)) return 'number';
  if (t === 'blob' || t === 'bytea') return 'bytes';
  return 'text';
}

/** An instant from what either engine returns: a Date (pg) or SQLite's UTC text without a zone. */
function instant(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(text);
  return new Date(zoned ? text : `${text.replace(' ', 'T')}Z`);
}

/** SQLite's datetime text, as TypeORM writes it: UTC, `YYYY-MM-DD HH:MM:SS.SSS`. */
function sqliteDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * A value read from one engine, as the other binds it: SQLite cannot bind Dates or booleans
 * (TypeORM stores them as UTC text and 0/1); pg sends every parameter as text, which PostgreSQL
 * parses by the column's type (`1` is a boolean true, SQLite's time text an instant in the UTC session).
 */
export function forTarget(value: unknown, kind: ValueKind, target: DatabaseKind): unknown {
  if (value === null || value === undefined) return null;
  if (target === 'sqlite') {
    if (kind === 'time') return sqliteDatetime(instant(value));
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value;
  }
  if (kind === 'time') return instant(value).toISOString();
  if (kind === 'boolean') return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
  return value;
}

/** One canonical text per value, the same whichever engine it was read from (for checksums). */
export function canonical(value: unknown, kind: ValueKind): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'time':
      return instant(value).toISOString();
    case 'boolean':
      return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
    case 'number':
      return Number(value);
    case 'bytes':
      return Buffer.isBuffer(value) ? value.toString('hex') : Buffer.from(String(value)).toString('hex');
    default:
      return String(value);
  }
}
