'use strict';
// Runs every benchmark (each bench/*.js except this file), one after another, each in its own
// Node process with the output passed straight through. `npm run bench` calls this.
//   node bench/run-all.js              all benchmarks, alphabetical order
//   node bench/run-all.js foundation   only those whose file name contains one of the words
// Exit code: 0 when every benchmark ran (a benchmark exits 0 even if a target FAILs);
// 1 when any benchmark broke (non-zero exit or killed).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const self = path.basename(__filename);
/** Benchmarks another one runs as a part of its own (left out of a full run; named, they run alone). */
const PARTS = new Set(['monitoring-history.js']); // part (b) of monitoring.js
const filters = process.argv.slice(2);
const files = fs
  .readdirSync(__dirname, { withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.js') && e.name !== self)
  .map((e) => e.name)
  .filter((name) => (filters.length === 0 ? !PARTS.has(name) : filters.some((f) => name.includes(f))))
  .sort();

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

function run(file) {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    current = spawn(process.execPath, [path.join(__dirname, file)], { stdio: 'inherit', cwd: path.resolve(__dirname, '..') });
    current.on('error', (err) => resolve({ file, code: null, signal: null, error: err.message, seconds: (Date.now() - startedAt) / 1000 }));
    current.on('exit', (code, signal) => resolve({ file, code, signal, seconds: (Date.now() - startedAt) / 1000 }));
  });
}

async function main() {
  const results = [];
  for (const file of files) {
    console.log(`\n##### bench/${file} #####`);
    results.push(await run(file));
  }
  console.log('\n##### run-all summary #####');
  for (const r of results) {
    const status = r.code === 0 ? 'ok' : `BROKEN (${r.error || (r.signal ? `signal ${r.signal}` : `exit ${r.code}`)})`;
    console.log(`  ${r.file.padEnd(28)} ${status.padEnd(24)} ${r.seconds.toFixed(1)} s`);
  }
  const broken = results.filter((r) => r.code !== 0).length;
  console.log(`  ${results.length - broken}/${results.length} benchmarks ran to completion`);
  process.exit(broken ? 1 : 0);
}

main();
