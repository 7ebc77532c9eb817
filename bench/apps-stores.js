'use strict';
// App stores benchmark (issue 23, acceptance 3): a generated store of 500 apps laid out as the
// community stores publish them (CasaOS, Runtipi, Umbrel: each format Tomo reads and this
// benchmark can generate, apps spread evenly; which ones is printed), loaded by the catalog
// registry, in BENCH_STORE_RUNS (3) fresh Node processes, the median run counting (on a shared
// machine one burst of someone else's work would otherwise decide):
//   1. First load: every app's files read, YAML parsed, converted (compose-import.ts), checked by
//      the definition schema, indexed.                                       target < 1 s
//   2. Reload with nothing changed: files read again, unchanged apps taken from the cache.
//                                                                            target < 200 ms
// Like apps-catalog.js it needs no build: the catalog sources (plugins/apps/src/catalog, stores
// included, tests excluded) are compiled with the repository's TypeScript into a temp folder.
// Usage: node bench/apps-stores.js   (BENCH_STORE_APPS, default 500; BENCH_STORE_RUNS, default 3; BENCH_JSON=<file>)
// Exit code: 0 when the figures were produced (even if a target FAILs); 1 when it broke.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { envInt } = require('./lib/env');
const { machineFacts, machineLines } = require('./lib/machine');
const { installCleanupHandlers, makeTempDir } = require('./lib/processes');
const { summarize } = require('./lib/stats');
const { createSummary } = require('./lib/summary');
const { GENERATORS, generateStores } = require('./lib/generated-stores');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'plugins', 'apps', 'src', 'catalog');
/** Catalog files that reach outside the catalog layer (the kernel, the plugin's config): not needed here. */
const OUTSIDE = new Set(['extra-catalogs.ts', 'catalogs-extension.ts', 'test-fixtures.ts']);

const SETTINGS = { apps: envInt('BENCH_STORE_APPS', 500, 1), runs: envInt('BENCH_STORE_RUNS', 3, 1), reloads: 5, jsonOut: process.env.BENCH_JSON || '' };
const TARGETS = { loadMs: 1000, reloadMs: 200 };

const ms = (n) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith('__') ? [] : sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !OUTSIDE.has(e.name) ? [full] : [];
  });
}

function compile(tmp) {
  const outDir = path.join(tmp, 'out');
  const tsconfig = path.join(tmp, 'tsconfig.json');
  const files = sources(SRC);
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.base.json'),
      compilerOptions: { rootDir: SRC, outDir, composite: false, incremental: false, declaration: false, declarationMap: false, sourceMap: false, typeRoots: [path.join(ROOT, 'node_modules', '@types')] },
      files,
    }),
  );
  const started = now();
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  return { outDir, ms: now() - started, files: files.length };
}

/**
 * The child's side: loads the generated stores through the catalog registry once (the first load)
 * and reloads them; prints the figures as one JSON line.
 */
async function child(outDir, stores) {
  const { CatalogRegistry } = require(path.join(outDir, 'catalog-registry.js'));
  const { storeSource } = require(path.join(outDir, 'stores', 'store-readers.js'));
  const registry = new CatalogRegistry(stores.map((s) => storeSource({ format: s.format, dir: s.dir, id: `bench-${s.format}` })));
  const cpu0 = process.cpuUsage();
  const t0 = now();
  const snapshot = await registry.reload();
  const loadMs = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // CPU time of this process during the load: what the load costs, whatever else the machine runs.
  const loadCpuMs = (cpu.user + cpu.system) / 1000;
  if (snapshot.entries.length !== stores.reduce((n, s) => n + s.apps, 0) || snapshot.errors.length > 0) {
    throw new Error(`the generated stores did not load cleanly: ${snapshot.entries.length} apps, ${snapshot.errors.length} errors, first: ${JSON.stringify(snapshot.errors[0])}`);
  }
  const reloads = [];
  for (let i = 0; i < SETTINGS.reloads; i++) {
    const t = now();
    await registry.reload();
    reloads.push(now() - t);
  }
  const unavailable = snapshot.entries.filter((e) => e.imported?.unavailable).length;
  process.stdout.write(`${JSON.stringify({ loadMs, loadCpuMs, reloads, apps: snapshot.entries.length, unavailable, warnings: snapshot.warnings.length })}\n`);
}

/** One measurement in a fresh Node process running this file with --child. */
function measureInChild(outDir, stores) {
  const run = spawnSync(process.execPath, [__filename, '--child', outDir, JSON.stringify(stores)], { encoding: 'utf8', env: process.env });
  if (run.status !== 0) throw new Error(`the measuring process failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

async function main() {
  installCleanupHandlers();
  const facts = machineFacts();
  console.log('App stores benchmark: a generated community store loaded as a Tomo catalog');
  for (const line of machineLines(facts)) console.log(line);

  const tmp = makeTempDir('tomo-bench-stores-');
  const build = compile(tmp);
  console.log(`Build     : ${build.files} catalog modules compiled with tsc in ${ms(build.ms)} (not measured below)`);
  const { STORE_READERS } = require(path.join(build.outDir, 'stores', 'store-readers.js'));
  const formats = Object.keys(GENERATORS).filter((f) => STORE_READERS[f]);
  const missing = ['casaos', 'runtipi', 'umbrel'].filter((f) => !formats.includes(f));
  const stores = generateStores(path.join(tmp, 'stores'), formats, SETTINGS.apps);
  const bytes = stores.reduce((n, s) => n + s.bytes, 0);
  console.log(`Stores    : ${SETTINGS.apps} apps, formats ${stores.map((s) => `${s.format} (${s.apps})`).join(', ')}${missing.length ? `; not generated: ${missing.join(', ')}` : ''}; ${(bytes / 1024).toFixed(0)} KiB of files`);

  // Each run is a fresh Node process (a real first load: nothing required, compiled or cached
  // yet); the figures are the median run's, so one burst of the shared machine does not decide.
  const runs = [];
  for (let i = 0; i < SETTINGS.runs; i++) runs.push(measureInChild(build.outDir, stores));
  const byLoad = [...runs].sort((a, b) => a.loadMs - b.loadMs);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const loadMs = median(runs.map((r) => r.loadMs));
  const reloadMs = median(runs.map((r) => Math.max(...r.reloads)));
  const allReloads = summarize(runs.flatMap((r) => r.reloads));
  const first = byLoad[0];
  console.log(`\n1. First load (read, YAML, convert, schema, index), in ${SETTINGS.runs} fresh processes`);
  console.log(`   first loads  : ${runs.map((r) => ms(r.loadMs)).join(', ')} (CPU time of the process: ${runs.map((r) => ms(r.loadCpuMs)).join(', ')})`);
  console.log(`   median       : ${ms(loadMs)}   target < ${TARGETS.loadMs} ms   ${verdict(loadMs < TARGETS.loadMs)}`);
  console.log(`   per app      : ${((loadMs / SETTINGS.apps) * 1000).toFixed(0)} µs; apps ${first.apps}, unavailable ${first.unavailable}, refusals (warnings) ${first.warnings}`);
  console.log(`\n2. Reload, nothing changed (files read again, conversions from the cache), ${SETTINGS.reloads} per process`);
  console.log(`   reloads      : median ${ms(allReloads.median)}, min ${ms(allReloads.min)}, max ${ms(allReloads.max)} (N=${allReloads.n})`);
  console.log(`   slowest of a run, median run: ${ms(reloadMs)}   target < ${TARGETS.reloadMs} ms   ${verdict(reloadMs < TARGETS.reloadMs)}`);

  const summary = createSummary('apps-stores');
  summary.check('load_ms', loadMs, '<', TARGETS.loadMs, { unit: '', digits: 0 });
  summary.check('reload_ms', reloadMs, '<', TARGETS.reloadMs, { unit: '', digits: 0 });
  summary.note('load_cpu_ms', median(runs.map((r) => r.loadCpuMs)), { digits: 0 });
  summary.note('apps', SETTINGS.apps);
  summary.note('formats', formats.join('+'));
  const { pass } = summary.print();
  if (SETTINGS.jsonOut) {
    fs.writeFileSync(SETTINGS.jsonOut, JSON.stringify({ machine: facts, settings: SETTINGS, targets: TARGETS, formats, loadMs, reloadMs, runs, pass }, null, 2));
  }
}

(process.argv[2] === '--child' ? child(process.argv[3], JSON.parse(process.argv[4])) : main()).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
