'use strict';
// Runs every benchmark (each bench/*.js except this file), one after another, each in its own
// Node process with the output passed straight through. `npm run bench` calls this.
//   node bench/run-all.js                       all benchmarks, alphabetical order
//   node bench/run-all.js foundation            only those whose file name contains one of the words
//   npm run bench -- --strict [words...]        also fail when a target is missed
// At the end it prints a table and every benchmark's SUMMARY line (bench/lib/summary.js).
// Exit code: 1 when any benchmark broke (non-zero exit, killed, or not exactly one readable
// SUMMARY line); with --strict also 1 when any SUMMARY says FAIL; 0 otherwise.
const path = require('node:path');
const { listBenchmarks, runBenchmarks } = require('./lib/run-benchmarks');

/** Benchmarks another one runs as a part of its own (left out of a full run; named, they run alone). */
const PARTS = ['monitoring-history.js']; // part (b) of monitoring.js

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const unknown = args.filter((a) => a.startsWith('-') && a !== '--strict');
if (unknown.length) {
  console.error(`run-all: unknown option ${unknown.join(', ')} (only --strict)`);
  process.exit(2);
}
const filters = args.filter((a) => !a.startsWith('-'));
const files = listBenchmarks(__dirname, { filters, exclude: [path.basename(__filename)], parts: PARTS });

if (files.length === 0) {
  console.error(`run-all: no benchmark matches ${filters.join(', ') || '(none found in bench/)'}`);
  process.exit(1);
}

let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // The child gets the terminal's SIGINT too; forward SIGTERM in case we were signalled alone.
    if (current && current.exitCode === null) current.kill(signal);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

runBenchmarks({
  dir: __dirname,
  files,
  strict,
  cwd: path.resolve(__dirname, '..'),
  onChild: (child) => {
    current = child;
  },
}).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`run-all: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
