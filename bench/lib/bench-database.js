'use strict';
// The database a benchmark's Tomo runs on (issue 24): SQLite in its data folder (the default),
// or, when BENCH_DATABASE_URL names a PostgreSQL server (a role that may create databases, e.g.
// the test bed's `jq -r .postgres.url /var/lib/tomo-testbed/testbed.json`), a database of its
// own made there for the run and dropped after it. The URL holds a password: only the server's
// host, port and the database's name are ever printed.
const { randomBytes } = require('node:crypto');

const VARIABLE = 'BENCH_DATABASE_URL';

/** The PostgreSQL server to run on, or null for SQLite. */
function benchDatabaseServer() {
  const url = process.env[VARIABLE];
  if (!url) return null;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`${VARIABLE} must be a postgres:// URL (unset: SQLite)`);
  return url;
}

async function onServer(serverUrl, sql) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one run: `{ kind: 'postgres', url, name, label, env, drop() }`, or
 * `{ kind: 'sqlite', label, env: {} }` when BENCH_DATABASE_URL is unset. `env` is what
 * `tomo` (createAdmin, startTomo) needs to run on it.
 */
async function createBenchDatabase() {
  const server = benchDatabaseServer();
  if (!server) return { kind: 'sqlite', label: 'SQLite', env: {}, drop: async () => undefined };
  const name = `tomo_bench_${randomBytes(6).toString('hex')}`;
  await onServer(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    name,
    url: url.toString(),
    label: `PostgreSQL ${url.hostname}:${url.port || 5432}/${name}`,
    env: { TOMO_DATABASE_URL: url.toString() },
    drop: () => onServer(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * A pg client on the run's database whose 64-bit integers and numerics read as numbers (as
 * Tomo's own pool reads them), for the benchmark's own inserts and counts.
 */
async function connectPostgres(url) {
  const { Client, types } = require('pg');
  const client = new Client({
    connectionString: url,
    options: '-c TimeZone=UTC',
    types: { getTypeParser: (oid, format) => (oid === 20 || oid === 1700 ? Number : types.getTypeParser(oid, format)) },
  });
  await client.connect();
  return client;
}

module.exports = { benchDatabaseServer, createBenchDatabase, connectPostgres };
