'use strict';
// Runs benchmark scripts one after another, each in its own Node process, passing their output
// through while collecting the SUMMARY line each prints (bench/lib/summary.js). bench/run-all.js
// is the command; this module is its logic, so a test can run it on a folder of tiny scripts.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseSummaryLine } = require('./summary');

/** Benchmark files in `dir`: every *.js except `exclude`, filtered by name words (none: all but `parts`). */
function listBenchmarks(dir, { filters = [], exclude = [], parts = [] } = {}) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js') && !exclude.includes(e.name))
    .map((e) => e.name)
    .filter((name) => (filters.length === 0 ? !parts.includes(name) : filters.some((f) => name.includes(f))))
    .sort();
}

/**
 * Runs one file with `node`, stdout passed to `out` as it comes and scanned line by line for
 * SUMMARY lines; stderr inherited. Resolves { file, code, signal, error?, seconds, summaries }.
 */
function runOne(dir, file, { out, cwd, onChild }) {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const summaries = [];
    let pending = '';
    const scan = (text) => {
      for (const line of text.split('\n')) if (line.startsWith('SUMMARY: ')) summaries.push(line.trim());
    };
    const child = spawn(process.execPath, [path.join(dir, file)], { stdio: ['inherit', 'pipe', 'inherit'], cwd });
    onChild(child);
    child.stdout.on('data', (chunk) => {
      out.write(chunk);
      pending += chunk.toString('utf8');
      const end = pending.lastIndexOf('\n');
      if (end >= 0) {
        scan(pending.slice(0, end));
        pending = pending.slice(end + 1);
      }
    });
    const done = (extra) => {
      scan(pending);
      resolve({ file, summaries, seconds: (Date.now() - startedAt) / 1000, ...extra });
    };
    child.on('error', (err) => done({ code: null, signal: null, error: err.message }));
    // 'close' rather than 'exit': every byte of stdout has been read by then.
    child.on('close', (code, signal) => done({ code, signal }));
  });
}

/**
 * What a run means for one benchmark: 'ok', 'FAIL' (a target missed), or 'BROKEN (...)' (crashed,
 * or not exactly one readable SUMMARY line).
 */
function verdictOf(result) {
  if (result.code !== 0) return { status: `BROKEN (${result.error || (result.signal ? `signal ${result.signal}` : `exit ${result.code}`)})`, broken: true };
  if (result.summaries.length !== 1) return { status: `BROKEN (${result.summaries.length} SUMMARY lines, expected 1)`, broken: true };
  const parsed = parseSummaryLine(result.summaries[0]);
  if (!parsed) return { status: 'BROKEN (unreadable SUMMARY line)', broken: true };
  return parsed.pass ? { status: 'ok', broken: false, failed: false } : { status: 'FAIL (target missed)', broken: false, failed: true };
}

/**
 * Runs `files` in `dir` in turn and prints a closing table and the collected SUMMARY lines.
 * Exit code: 1 when a benchmark broke; with `strict`, also when any target was missed. 0 else.
 */
async function runBenchmarks({ dir, files, strict = false, cwd = process.cwd(), out = process.stdout, onChild = () => {} }) {
  const results = [];
  for (const file of files) {
    out.write(`\n##### ${path.basename(dir)}/${file} #####\n`);
    results.push(await runOne(dir, file, { out, cwd, onChild }));
  }
  out.write('\n##### run-all summary #####\n');
  let broken = 0;
  let failed = 0;
  for (const r of results) {
    const v = verdictOf(r);
    if (v.broken) broken++;
    if (v.failed) failed++;
    out.write(`  ${r.file.padEnd(28)} ${v.status.padEnd(40)} ${r.seconds.toFixed(1)} s\n`);
  }
  out.write(`  ${results.length - broken}/${results.length} benchmarks ran to completion, ${failed} missed a target${strict ? ' (--strict)' : ''}\n`);
  out.write('\nSUMMARY lines:\n');
  for (const r of results) for (const s of r.summaries) out.write(`${s}\n`);
  if (results.every((r) => r.summaries.length === 0)) out.write('  (none)\n');
  return broken > 0 || (strict && failed > 0) ? 1 : 0;
}

module.exports = { listBenchmarks, runBenchmarks, verdictOf };
