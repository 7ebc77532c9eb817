/**
 * Which database Tomo runs on, from `database.url` (or `TOMO_DATABASE_URL`):
 *   - nothing, or `sqlite:<file>`: SQLite (the embedded default; `<dataDir>/tomo.db` when no file);
 *   - `postgres://user:password@host:port/database` (or `postgresql://`): PostgreSQL.
 * The URL may carry a password, so nothing here ever puts the URL itself in a message:
 * {@link describeDatabase} is the form that logs, errors and `tomo doctor` show.
 */

/** The two database engines Tomo supports. */
export type DatabaseKind = 'sqlite' | 'postgres';

/** What a `database.url` says, before defaults are applied. */
export type ParsedDatabaseUrl = { kind: 'sqlite'; file?: string } | { kind: 'postgres'; url: string };

/** The rule `database.url` must follow, as the configuration error states it. */
export const DATABASE_URL_RULE = 'must be postgres://user:password@host[:port]/database (PostgreSQL) or sqlite:<file> (SQLite)';

/** Parses a `database.url`; undefined when it follows no supported form. */
export function parseDatabaseUrl(value: string): ParsedDatabaseUrl | undefined {
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return { kind: 'sqlite', file: file || undefined };
  }
  if (!/^postgres(ql)?:\/\//.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !database || database.includes('/')) return undefined;
  return { kind: 'postgres', url: value };
}

/** The database as it may be shown: engine, host, port and database name; never the user's password. */
export function describeDatabase(database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }): string {
  if (database.kind === 'sqlite') return `SQLite ${database.file}`;
  const url = new URL(database.url);
  return `PostgreSQL ${url.hostname}:${url.port || '5432'}/${decodeURIComponent(url.pathname.replace(/^\//, ''))}`;
}
