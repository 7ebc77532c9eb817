'use strict';
// Apps catalog benchmark: `list_catalog` with a search over a generated catalog of 1,000 app
// definitions (one YAML file each, like an admin's extra folder).
//   1. Load: CatalogRegistry.reload() of the folder (read 1,000 files, parse YAML, validate with
//      zod, normalize, index). Cold (first) load and the median of warm reloads. target cold <= 1 s
//   2. Query: CatalogRegistry.search() for a set of queries (text, several words, category, both,
//      no match, everything), first run and p95 over repeated runs.            target <= 50 ms
// No build step of its own and no dist/ needed: it compiles the catalog sources
// (plugins/apps/src/catalog/*.ts, tests excluded) with the repository's TypeScript into a temp
// folder, then requires the compiled JS. Nothing is written to the repository.
// Usage: node bench/apps-catalog.js
//   BENCH_CATALOG_APPS (default 1000), BENCH_QUERY_RUNS (default 50), BENCH_JSON=<file>.
// Exit code: 0 when the figures were produced (even if a target FAILs); 1 when the benchmark itself
// broke (compilation failed, the generated catalog did not load cleanly).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { envInt } = require('./lib/env');
const { machineFacts, machineLines } = require('./lib/machine');
const { installCleanupHandlers, makeTempDir } = require('./lib/processes');
const { summarize } = require('./lib/stats');
const { createSummary } = require('./lib/summary');
const { generateCatalog } = require('./lib/generated-catalog');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'plugins', 'apps', 'src', 'catalog');


const SETTINGS = {
  apps: envInt('BENCH_CATALOG_APPS', 1000, 1),
  queryRuns: envInt('BENCH_QUERY_RUNS', 50, 5),
  warmReloads: 5,
  jsonOut: process.env.BENCH_JSON || '',
};
const TARGETS = { loadMs: 1000, queryMs: 50 };

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Compiles the catalog sources into `outDir` with the repository's TypeScript; returns the elapsed ms. */
function compile(tmp) {
  const files = fs
    .readdirSync(SRC)
    // Not the files that reach outside the catalog layer (the kernel, the plugin's config and extension
    // point): tsc would refuse them (rootDir) and write their imports' output next to the sources.
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !['test-fixtures.ts', 'catalogs-extension.ts', 'extra-catalogs.ts'].includes(f))
    .map((f) => path.join(SRC, f));
  const outDir = path.join(tmp, 'out');
  const tsconfig = path.join(tmp, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.base.json'),
      compilerOptions: {
        rootDir: SRC,
        outDir,
        composite: false,
        incremental: false,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      },
      files,
    }),
  );
  const started = now();
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
  // The compiled files live in the temp folder: let them resolve zod and yaml from the repository.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  return { outDir, ms: now() - started, files: files.length };
}

const QUERIES = [
  { label: 'one word', query: { text: 'cloud' } },
  { label: 'three words', query: { text: 'generated photo integration' } },
  { label: 'id fragment', query: { text: 'gen-music-8' } },
  { label: 'category', query: { category: 'media' } },
  { label: 'category + text', query: { category: 'network', text: 'proxy' } },
  { label: 'no match', query: { text: 'zzzz-no-such-app' } },
  { label: 'everything', query: {} },
  { label: 'limit 20', query: { text: 'generated', limit: 20 } },
];

async function main() {
  installCleanupHandlers();
  const facts = machineFacts();
  console.log('Apps catalog benchmark: list_catalog + search over a generated catalog');
  for (const line of machineLines(facts)) console.log(line);

  const tmp = makeTempDir('tomo-bench-apps-');
  const build = compile(tmp);
  console.log(`Build     : ${build.files} catalog modules compiled with tsc in ${ms(build.ms)} (not measured below)`);
  const catalogDir = path.join(tmp, 'catalog');
  const bytes = generateCatalog(catalogDir, SETTINGS.apps);
  console.log(`Catalog   : ${SETTINGS.apps} YAML definitions, ${(bytes / 1024).toFixed(0)} KiB in total (${(bytes / SETTINGS.apps).toFixed(0)} bytes each on average)`);

  const { CatalogRegistry, yamlFolderSource } = require(path.join(build.outDir, 'catalog-registry.js'));
  const registry = new CatalogRegistry([yamlFolderSource({ dir: catalogDir, kind: 'folder' })]);

  // 1. Load.
  const t0 = now();
  const snapshot = await registry.reload();
  const coldMs = now() - t0;
  if (snapshot.entries.length !== SETTINGS.apps || snapshot.errors.length > 0) {
    throw new Error(`the generated catalog did not load cleanly: ${snapshot.entries.length} apps, ${snapshot.errors.length} errors, first: ${JSON.stringify(snapshot.errors[0])}`);
  }
  const warm = [];
  for (let i = 0; i < SETTINGS.warmReloads; i++) {
    const t = now();
    await registry.reload();
    warm.push(now() - t);
  }
  const warmStats = summarize(warm);
  console.log('\n1. Load (reload of the folder: read, YAML, schema, normalize, index)');
  console.log(`   cold (first) load : ${ms(coldMs)}   target <= ${TARGETS.loadMs} ms   ${verdict(coldMs <= TARGETS.loadMs)}`);
  console.log(`   warm reloads      : median ${ms(warmStats.median)}, min ${ms(warmStats.min)}, max ${ms(warmStats.max)} (N=${warm.length})`);
  console.log(`   per definition    : ${((coldMs / SETTINGS.apps) * 1000).toFixed(0)} µs cold, ${((warmStats.median / SETTINGS.apps) * 1000).toFixed(0)} µs warm`);
  console.log(`   apps loaded       : ${snapshot.entries.length}, errors ${snapshot.errors.length}, warnings ${snapshot.warnings.length}`);

  // 2. Queries.
  console.log(`\n2. Query (search, first run and p95 of ${SETTINGS.queryRuns} runs)`);
  const queryFigures = [];
  let worst = 0;
  for (const { label, query } of QUERIES) {
    const t = now();
    const hits = registry.search(query).length;
    const first = now() - t;
    const runs = [];
    for (let i = 0; i < SETTINGS.queryRuns; i++) {
      const s = now();
      registry.search(query);
      runs.push(now() - s);
    }
    const stats = summarize(runs);
    worst = Math.max(worst, first, stats.p95);
    queryFigures.push({ label, query, hits, firstMs: first, ...stats });
    console.log(`   ${label.padEnd(16)} ${String(hits).padStart(5)} hits   first ${ms(first).padStart(9)}   median ${ms(stats.median).padStart(9)}   p95 ${ms(stats.p95).padStart(9)}`);
  }
  console.log(`   worst (first or p95): ${ms(worst)}   target <= ${TARGETS.queryMs} ms   ${verdict(worst <= TARGETS.queryMs)}`);

  const summary = createSummary('apps-catalog');
  summary.check('cold_load', coldMs, '<=', TARGETS.loadMs, { unit: 'ms', digits: 0 });
  summary.check('worst_query', worst, '<=', TARGETS.queryMs, { unit: 'ms', digits: 2 });
  summary.note('definitions', SETTINGS.apps);
  const { pass } = summary.print();
  if (SETTINGS.jsonOut) {
    fs.writeFileSync(
      SETTINGS.jsonOut,
      JSON.stringify({ machine: facts, settings: SETTINGS, targets: TARGETS, load: { coldMs, warm: warmStats }, queries: queryFigures, worstQueryMs: worst, pass }, null, 2),
    );
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
