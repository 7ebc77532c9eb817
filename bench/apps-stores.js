'use strict';
// App stores benchmark (issue 23, acceptance 3): a generated store of 500 apps laid out as the
// community stores publish them (CasaOS, Runtipi, Umbrel: each format Tomo reads and this
// benchmark can generate, apps spread evenly; which ones is printed), loaded by the catalog
// registry in-process:
//   1. First load: every app's files read, YAML parsed, converted (compose-import.ts), checked by
//      the definition schema, indexed.                                       target < 1 s
//   2. Reload with nothing changed: files read again, unchanged apps taken from the cache.
//                                                                            target < 200 ms
// Like apps-catalog.js it needs no build: the catalog sources (plugins/apps/src/catalog, stores
// included, tests excluded) are compiled with the repository's TypeScript into a temp folder.
// Usage: node bench/apps-stores.js   (BENCH_STORE_APPS, default 500; BENCH_JSON=<file>)
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

const SETTINGS = { apps: envInt('BENCH_STORE_APPS', 500, 1), reloads: 5, jsonOut: process.env.BENCH_JSON || '' };
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

async function main() {
  installCleanupHandlers();
  const facts = machineFacts();
  console.log('App stores benchmark: a generated community store loaded as a Tomo catalog');
  for (const line of machineLines(facts)) console.log(line);

  const tmp = makeTempDir('tomo-bench-stores-');
  const build = compile(tmp);
  console.log(`Build     : ${build.files} catalog modules compiled with tsc in ${ms(build.ms)} (not measured below)`);
  const { CatalogRegistry } = require(path.join(build.outDir, 'catalog-registry.js'));
  const { STORE_READERS, storeSource } = require(path.join(build.outDir, 'stores', 'store-readers.js'));
  const formats = Object.keys(GENERATORS).filter((f) => STORE_READERS[f]);
  const missing = ['casaos', 'runtipi', 'umbrel'].filter((f) => !formats.includes(f));
  const stores = generateStores(path.join(tmp, 'stores'), formats, SETTINGS.apps);
  const bytes = stores.reduce((n, s) => n + s.bytes, 0);
  console.log(`Stores    : ${SETTINGS.apps} apps, formats ${stores.map((s) => `${s.format} (${s.apps})`).join(', ')}${missing.length ? `; not generated: ${missing.join(', ')}` : ''}; ${(bytes / 1024).toFixed(0)} KiB of files`);

  const registry = new CatalogRegistry(stores.map((s) => storeSource({ format: s.format, dir: s.dir, id: `bench-${s.format}` })));
  const t0 = now();
  const snapshot = await registry.reload();
  const loadMs = now() - t0;
  if (snapshot.entries.length !== SETTINGS.apps || snapshot.errors.length > 0) {
    throw new Error(`the generated stores did not load cleanly: ${snapshot.entries.length} apps, ${snapshot.errors.length} errors, first: ${JSON.stringify(snapshot.errors[0])}`);
  }
  const reloads = [];
  for (let i = 0; i < SETTINGS.reloads; i++) {
    const t = now();
    await registry.reload();
    reloads.push(now() - t);
  }
  const reloadStats = summarize(reloads);
  const unavailable = snapshot.entries.filter((e) => e.imported?.unavailable).length;
  console.log('\n1. First load (read, YAML, convert, schema, index)');
  console.log(`   first load   : ${ms(loadMs)}   target < ${TARGETS.loadMs} ms   ${verdict(loadMs < TARGETS.loadMs)}`);
  console.log(`   per app      : ${((loadMs / SETTINGS.apps) * 1000).toFixed(0)} µs; apps ${snapshot.entries.length}, unavailable ${unavailable}, refusals (warnings) ${snapshot.warnings.length}`);
  console.log('\n2. Reload, nothing changed (files read again, conversions from the cache)');
  console.log(`   reloads      : median ${ms(reloadStats.median)}, min ${ms(reloadStats.min)}, max ${ms(reloadStats.max)} (N=${reloads.length})   target < ${TARGETS.reloadMs} ms   ${verdict(reloadStats.max < TARGETS.reloadMs)}`);

  const summary = createSummary('apps-stores');
  summary.check('load_ms', loadMs, '<', TARGETS.loadMs, { unit: '', digits: 0 });
  summary.check('reload_ms', reloadStats.max, '<', TARGETS.reloadMs, { unit: '', digits: 0 });
  summary.note('apps', SETTINGS.apps);
  summary.note('formats', formats.join('+'));
  const { pass } = summary.print();
  if (SETTINGS.jsonOut) {
    fs.writeFileSync(SETTINGS.jsonOut, JSON.stringify({ machine: facts, settings: SETTINGS, targets: TARGETS, formats, loadMs, reload: reloadStats, pass }, null, 2));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
