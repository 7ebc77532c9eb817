import { Client } from 'pg';
import { testDatabaseServer } from '../../src/testing/test-database';
import { useTestbedPostgres } from '../../../test-support/testbed-postgres';

/**
 * For tests about PostgreSQL itself (*.postgres.test.ts): the test server's URL. They must fail,
 * not skip, when it is missing: jest's SQLite run leaves them out (jest.config.js), so reaching
 * one without a server means the PostgreSQL run was misconfigured.
 */
export function requirePostgresServer(): string {
  useTestbedPostgres();
  const server = testDatabaseServer();
  if (!server) throw new Error('TOMO_TEST_DATABASE_URL is not a postgres:// URL: this file needs PostgreSQL');
  return server;
}

/** Runs `sql` as the test server's role, on its maintenance database (not a kernel's). */
export async function onServer(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: requirePostgresServer() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The database name in a PostgreSQL URL. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
