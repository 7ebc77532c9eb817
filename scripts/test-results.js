'use strict';
// The closing line of a jest run, which CI can read whatever the runner: "<label>: N passed,
// N failed", from one or more `jest --json --outputFile` files (a run in parts adds them up).
// Exits 1 when a test failed, a file could not run, a test was skipped or marked todo (not
// allowed), or nothing ran at all; also when a results file is missing (its run broke early).
//   node scripts/test-results.js <label> <results.json>...
const fs = require('node:fs');

const [label, ...files] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let total = 0;
let missing = 0;
for (const file of files) {
  let r;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    missing += 1;
    continue;
  }
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped += r.numPendingTests + r.numTodoTests;
  total += r.numTotalTests;
}
console.log(`\n${label}: ${passed} passed, ${failed} failed`);
if (missing) console.log(`${missing} of ${files.length} result file(s) missing or unreadable: that run broke before it reported`);
if (skipped) console.log(`${skipped} skipped or todo tests: not allowed`);
if (total === 0) console.log('no test ran');
process.exitCode = failed || missing || skipped || total === 0 ? 1 : 0;
