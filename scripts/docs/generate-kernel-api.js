#!/usr/bin/env node
// Generates the kernel API reference, docs/reference/kernel-api/, from the TSDoc of what
// @tomo/kernel and @tomo/kernel/testing export (kernel/src/index.ts, kernel/src/testing/index.ts).
//
//   node scripts/docs/generate-kernel-api.js                  # writes docs/reference/kernel-api/
//   node scripts/docs/generate-kernel-api.js --out /tmp/api   # somewhere else (a new or empty folder)
//
// It runs TypeDoc with typedoc-plugin-markdown and kernel/typedoc.json, reading the sources (no
// build needed), with warnings treated as errors: an export, or a member of an exported class or
// interface, without TSDoc is listed and nothing is written. The output folder is replaced whole.
//
// scripts/docs/kernel-api.test.ts runs this into a temporary folder and fails while the committed
// pages differ: a change to the public API means running this script and committing.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'kernel', 'typedoc.json');
const DEFAULT_OUT = path.join(ROOT, 'docs', 'reference', 'kernel-api');

function parseArgs(argv) {
  let out = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = path.resolve(argv[++i]);
    else if (argv[i].startsWith('--out=')) out = path.resolve(argv[i].slice('--out='.length));
    else throw new Error(`Unknown argument "${argv[i]}". Usage: node scripts/docs/generate-kernel-api.js [--out <folder>]`);
  }
  return { out };
}

/** Runs TypeDoc into `dir` (which it empties first); returns its exit status and warnings. */
function runTypedoc(dir) {
  const cli = path.join(path.dirname(require.resolve('typedoc/package.json', { paths: [ROOT] })), 'dist', 'cli.js');
  const run = spawnSync(process.execPath, [cli, '--options', CONFIG, '--out', dir, '--treatWarningsAsErrors', '--logLevel', 'Warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 300000,
  });
  // A message is a `[warning]` or `[error]` line and the indented lines that follow it (name lists).
  const problems = [];
  let current;
  for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
    if (/^\[(warning|error)\]/.test(line)) {
      current = /^\[warning\] Found \d+ errors? and \d+ warnings?$/.test(line.trim()) ? undefined : [line.trim()];
      if (current) problems.push(current);
    } else if (/^\[/.test(line)) current = undefined;
    else if (current && line.trim()) current.push(`  ${line.trim()}`);
  }
  if (run.error) problems.push([`[error] ${run.error.message}`]);
  return { ok: run.status === 0 && problems.length === 0, problems: problems.map((lines) => lines.join('\n  ')) };
}

function main() {
  const { out } = parseArgs(process.argv.slice(2));
  if (out !== DEFAULT_OUT && fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    throw new Error(`${out} is not empty: give a new or empty folder (it would be replaced whole)`);
  }
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-kernel-api-'));
  try {
    const result = runTypedoc(path.join(temp, 'out'));
    if (!result.ok) {
      process.stderr.write(
        `The kernel API reference was not generated:\n${result.problems.map((p) => `  ${p}`).join('\n') || '  (TypeDoc failed without a message)'}\n` +
          'Add TSDoc to what is listed (or, for a name listed in kernel/typedoc.json that no longer needs it, remove it there).\n',
      );
      process.exitCode = 1;
      return;
    }
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.cpSync(path.join(temp, 'out'), out, { recursive: true });
    const files = fs.readdirSync(out).sort();
    process.stdout.write(`Wrote ${files.length} files to ${path.relative(process.cwd(), out) || '.'}: ${files.join(', ')}\n`);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

main();
