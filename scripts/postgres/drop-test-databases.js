'use strict';
// Drops the test databases an earlier run left on the test PostgreSQL (a killed jest run does not
// drop its own): those named tomo_test_<pid>_… whose process is gone (a running test's are kept,
// so two test runs on one machine leave each other alone). Run by scripts/postgres/run-tests.sh first.
//   TOMO_TEST_DATABASE_URL=postgres://… node scripts/postgres/drop-test-databases.js
const { Client } = require('pg');

/** Whether a process with this id runs on this machine. */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function main() {
  const url = process.env.TOMO_TEST_DATABASE_URL;
  if (!url) throw new Error('TOMO_TEST_DATABASE_URL is not set');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'tomo\\_test\\_%'");
    const left = rows.map((r) => r.datname).filter((name) => {
      const pid = Number(/^tomo_test_(\d+)_/.exec(name)?.[1]);
      return Number.isInteger(pid) && pid > 0 && !alive(pid);
    });
    for (const name of left) await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
    if (left.length) console.log(`dropped ${left.length} test database(s) left by an earlier run`);
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  console.error(`drop-test-databases: ${err.message}`);
  process.exit(1);
});
