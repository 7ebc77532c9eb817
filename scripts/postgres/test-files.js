'use strict';
// Which test files also run on PostgreSQL (issue 24), printed one per line for jest's
// --runTestsByPath: every backend test file of the kernel and the plugins that starts a real
// kernel (startTestKernel, directly or through a plugin's test/support/*-kernel.ts helper),
// except the end-to-end ones (*.e2e.test.ts: they run on SQLite) and the files listed in
// SQLITE_ONLY below, each with the reason it is about SQLite itself. Files named
// *.postgres.test.ts are about PostgreSQL itself: they run on it in jest's main run (with
// coverage), so they are not listed here.
// Usage: node scripts/postgres/test-files.js   (scripts/test-all.sh runs them with
// TOMO_TEST_DATABASE_URL set to the test bed's PostgreSQL).
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const STARTS_A_KERNEL = /startTestKernel|support\/[a-z-]*kernel['"]/;
/** How a test file about PostgreSQL itself is named (it fails without TOMO_TEST_DATABASE_URL). */
const POSTGRES_ONLY = '.postgres.test.ts';

/**
 * End-to-end files that also run on PostgreSQL: the subset covering servers, apps,
 * monitoring and backup against the real test bed (the other e2e files run on SQLite only).
 */
const E2E_ON_POSTGRES = [
  // apps: an install end to end (Docker over SSH), and updates with their automatic and manual rollbacks.
  'plugins/apps/test/install-flow.e2e.test.ts',
  'plugins/apps/test/app-updates.e2e.test.ts',
  // A preparation run over SSH on fresh test servers (a preparer from a module, refusals before any change).
  'plugins/preparation/test/preparer-selection.e2e.test.ts',
  // The built `tomo doctor` on a PostgreSQL installation, with two servers added and tested over real SSH.
  'plugins/servers/test/doctor.e2e.test.ts',
  // Monitoring: real test-bed servers and apps polled, the history and summary queries over raw samples and rollups, a server deleted mid-poll.
  'plugins/monitoring/test/app-metrics.e2e.test.ts',
  'plugins/monitoring/test/metrics-poller.e2e.test.ts',
  'plugins/monitoring/test/poll-delete-race.e2e.test.ts',
  'plugins/monitoring/test/prometheus-metrics.e2e.test.ts',
  // Alerts: the default offline rule and a disk rule evaluated on real polls of a test-bed server.
  'plugins/alerts/test/alerts-testbed.e2e.test.ts',
  // Alerts: no channel secret in any stored row (activity, delivery attempts, channels).
  'plugins/alerts/test/channel-access-secrets.e2e.test.ts',
];

/** Test files about SQLite itself, relative to the repository: file → why. */
const SQLITE_ONLY = {
  'kernel/test/disk-full.test.ts': "SQLite's SQLITE_FULL on a full data folder; PostgreSQL's disk is the server's",
  'kernel/test/health-probes-sqlite-file.test.ts': "readiness checks of the SQLite file (renamed away, replaced); PostgreSQL's are in readiness.postgres.test.ts",
  'plugins/activity/test/migrations.test.ts':
    "the activity table's SQLite schema (sqlite_master) and the upgrade of a SQLite database made by release 0.1; PostgreSQL support starts after it",
  'plugins/monitoring/test/series-keys-migration.test.ts': 'upgrades a SQLite database file made by release 0.1 (SQLite-only; PostgreSQL support starts after it)',
  'plugins/monitoring/test/metrics-backup-release-0.1.test.ts': "a backup made by release 0.1, whose source is a SQLite database with release 0.1's schema (SQLite-only)",
};

function testFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(full));
    else if (entry.name.endsWith('.test.ts') && !entry.name.endsWith('.e2e.test.ts')) out.push(full);
  }
  return out;
}

function postgresTestFiles() {
  const roots = [path.join(ROOT, 'kernel'), path.join(ROOT, 'scripts'), ...fs.readdirSync(path.join(ROOT, 'plugins')).map((p) => path.join(ROOT, 'plugins', p))];
  const all = roots.flatMap(testFiles).map((f) => path.relative(ROOT, f));
  // *.postgres.test.ts are about PostgreSQL itself (several instances, the move to it, backups
  // across engines): they run on it in the main run already, with coverage (test-support/testbed-postgres.ts).
  return all
    .filter((f) => !f.endsWith(POSTGRES_ONLY) && !f.startsWith('scripts/'))
    .filter((f) => !(f in SQLITE_ONLY) && STARTS_A_KERNEL.test(fs.readFileSync(path.join(ROOT, f), 'utf8')))
    .concat(E2E_ON_POSTGRES)
    .sort();
}

module.exports = { postgresTestFiles, SQLITE_ONLY, E2E_ON_POSTGRES };

if (require.main === module) process.stdout.write(postgresTestFiles().join('\n') + '\n');
