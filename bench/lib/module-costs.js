'use strict';
// What one package costs in memory when it is loaded, measured alone: a fresh `node --expose-gc`
// child does a full collection, reads process.memoryUsage(), requires the package, collects
// again and reads it again. The heap figure is what stays reachable (a heap-snapshot comparison
// in numbers: live heap after a full GC, before and after). The RSS figure is what the process
// holds more: the heap, compiled code, and what the allocator keeps from compiling it; alone in a
// fresh process it is an upper bound (packages loaded together share some of it).
// bench/foundation.js prints it for the packages Tomo loads at start-up and for those it loads
// on first use (kernel's lazyModule), so a change that pulls a big one back into start-up shows.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Runs in the child: argv[1] is the resolved file to require, argv[2] reflect-metadata (loaded
 * before measuring, as Tomo loads it first: tsyringe and TypeORM need it). Prints one JSON line.
 */
const CHILD = `
require(process.argv[2]);
const settle = () => { for (let i = 0; i < 3; i++) globalThis.gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }); };
settle();
const before = process.memoryUsage();
const t0 = performance.now();
require(process.argv[1]);
const ms = performance.now() - t0;
settle();
const after = process.memoryUsage();
process.stdout.write(JSON.stringify({ ms, rss: after.rss - before.rss, heap: after.heapUsed - before.heapUsed, external: after.external - before.external }));
`;

/**
 * The cost of `id` resolved from `from` (a folder inside the repo: a plugin's own node_modules
 * may hold it). Returns { id, ms, rss, heap, external } in ms and bytes, or { id, error }.
 */
function moduleCost(id, from = ROOT) {
  try {
    const file = require.resolve(id, { paths: [path.resolve(ROOT, from)] });
    const reflect = require.resolve('reflect-metadata', { paths: [ROOT] });
    const out = execFileSync(process.execPath, ['--expose-gc', '-e', CHILD, file, reflect], { cwd: ROOT, encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] });
    return { id, ...JSON.parse(out) };
  } catch (err) {
    return { id, error: String(err.message || err).split('\n')[0] };
  }
}

module.exports = { moduleCost };
