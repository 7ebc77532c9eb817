import { dropTestDatabase, testDatabaseUrl } from '../../src/testing/test-database';

/**
 * The database of a `tomo` the tests spawn as a child process. On SQLite (the default) it is
 * `<dataDir>/tomo.db`; when the test kernels run on PostgreSQL (TOMO_TEST_DATABASE_URL set,
 * scripts/postgres/run-tests.sh), the child gets a fresh PostgreSQL database of its own through
 * TOMO_DATABASE_URL, so the same test covers the engine the suite runs on.
 */
export interface ChildDatabase {
  /** The environment to spawn `tomo` with: TOMO_DATA_DIR, and TOMO_DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
  /** How `tomo` names that database in its output (describeDatabase: never the password). */
  shown: string;
}

/** Data folders given a database, so {@link dropChildDatabases} can drop them. */
const given: string[] = [];

export async function childDatabase(dataDir: string): Promise<ChildDatabase> {
  const url = await testDatabaseUrl(dataDir);
  given.push(dataDir);
  if (!url) return { env: { TOMO_DATA_DIR: dataDir }, shown: `SQLite ${dataDir}/tomo.db` };
  const parsed = new URL(url);
  return { env: { TOMO_DATA_DIR: dataDir, TOMO_DATABASE_URL: url }, shown: `PostgreSQL ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}` };
}

/** Drops the children's PostgreSQL databases (nothing to do on SQLite); before their folders go. */
export async function dropChildDatabases(): Promise<void> {
  for (const dataDir of given.splice(0)) await dropTestDatabase(dataDir);
}
