import { Client } from 'pg';

/**
 * Shared by the tests that run whole `tomo` processes on PostgreSQL: work on the test server
 * itself (CREATE/DROP DATABASE), a scratch database of the test's own, and JSON calls to a Tomo.
 */

/** Runs `work` with a client connected to `url` (the test server by default). */
export async function onServer<T>(work: (client: Client) => Promise<T>, url = process.env.TOMO_TEST_DATABASE_URL): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database on the test server, named `tomo_test_<pid>_<suffix>` (so
 * scripts/postgres/drop-test-databases.js removes it if the test is killed), and its URL.
 */
export async function scratchDatabase(suffix: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const server = process.env.TOMO_TEST_DATABASE_URL;
  if (!server) throw new Error('TOMO_TEST_DATABASE_URL must name the test PostgreSQL server (bash scripts/postgres/run-tests.sh)');
  const name = `tomo_test_${process.pid}_${suffix}`;
  await onServer(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => onServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined) };
}

/** A JSON request to a running Tomo: status, parsed body and the raw text. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are asserted field by field
export async function api(base: string, method: string, route: string, token?: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}
