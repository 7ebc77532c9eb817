'use strict';
// Which test files also run on PostgreSQL (issue 24), printed one per line for jest's
// --runTestsByPath: every backend test file of the kernel and the plugins that starts a real
// kernel (startTestKernel, directly or through a plugin's test/support/*-kernel.ts helper),
// except the end-to-end ones (*.e2e.test.ts: they run on SQLite) and the files listed in
// SQLITE_ONLY below, each with the reason it is about SQLite itself.
// Usage: node scripts/postgres/test-files.js   (scripts/test-all.sh runs them with
// TOMO_TEST_DATABASE_URL set to the test bed's PostgreSQL).
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const STARTS_A_KERNEL = /startTestKernel|support\/[a-z-]*kernel['"]/;

/**
 * End-to-end files that also run on PostgreSQL: the subset covering servers, apps,
 * monitoring and backup against the real test bed (the other e2e files run on SQLite only).
 */
const E2E_ON_POSTGRES = [];

/** Test files about SQLite itself, relative to the repository: file → why. */
const SQLITE_ONLY = {
  'kernel/test/disk-full.test.ts': "SQLite's SQLITE_FULL on a full data folder; PostgreSQL's disk is the server's",
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
  // *.postgres.test.ts: about PostgreSQL itself (several instances, the move to it), this pass only.
  const postgresOnly = all.filter((f) => f.endsWith('.postgres.test.ts'));
  return all
    .filter((f) => !f.endsWith('.postgres.test.ts') && !f.startsWith('scripts/'))
    .filter((f) => !(f in SQLITE_ONLY) && STARTS_A_KERNEL.test(fs.readFileSync(path.join(ROOT, f), 'utf8')))
    .concat(postgresOnly)
    .concat(E2E_ON_POSTGRES)
    .sort();
}

module.exports = { postgresTestFiles, SQLITE_ONLY, E2E_ON_POSTGRES };

if (require.main === module) process.stdout.write(postgresTestFiles().join('\n') + '\n');
