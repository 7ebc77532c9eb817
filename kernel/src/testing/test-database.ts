import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { lazyModule } from '../lazy/lazy-module';

/**
 * PostgreSQL for test kernels. When `TOMO_TEST_DATABASE_URL` names a PostgreSQL server (a
 * role that may create databases, e.g. `postgres://tomotest:…@127.0.0.1:5433/postgres`), every
 * test kernel gets a database of its own on it, made empty, so the same suites that run on
 * SQLite files run on PostgreSQL too (`scripts/test-all.sh` runs them both ways). Unset: SQLite.
 */
const SERVER_URL_VARIABLE = 'TOMO_TEST_DATABASE_URL';

/** The file in a test data folder that remembers its database, so a restart on it finds it again. */
const URL_FILE = 'test-database.url';

const pg = lazyModule<typeof import('pg')>(require, 'pg');

/** The server test databases are made on; undefined when tests run on SQLite. */
export function testDatabaseServer(): string | undefined {
  const url = process.env[SERVER_URL_VARIABLE];
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

/**
 * The `database.url` for a test kernel on `dataDir`: the one it had (restarting on the same
 * folder), else a fresh database on the test server. Undefined when tests run on SQLite.
 */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  const server = testDatabaseServer();
  if (!server) return undefined;
  const remembered = path.join(dataDir, URL_FILE);
  if (fs.existsSync(remembered)) return fs.readFileSync(remembered, 'utf8').trim();
  // The process id in the name: scripts/postgres/drop-test-databases.js drops only those of processes gone.
  const name = `tomo_test_${process.pid}_${crypto.randomBytes(6).toString('hex')}`;
  await onServer(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(remembered, url.toString(), { mode: 0o600 });
  return url.toString();
}

/** Drops the test database of `dataDir`, if it has one (its connections are closed first). */
export async function dropTestDatabase(dataDir: string): Promise<void> {
  const server = testDatabaseServer();
  const remembered = path.join(dataDir, URL_FILE);
  if (!server || !fs.existsSync(remembered)) return;
  const name = decodeURIComponent(new URL(fs.readFileSync(remembered, 'utf8').trim()).pathname.slice(1));
  if (!/^tomo_test_\d+_[0-9a-f]+$/.test(name)) return;
  await onServer(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function onServer(server: string, work: (client: import('pg').Client) => Promise<unknown>): Promise<void> {
  const client = new (pg().Client)({ connectionString: server });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
