'use strict';
// Preloaded into `tomo serve` (`node --require bench/lib/require-tracer.js`) by
// bench/foundation.js to say what start-up loads and what each big module costs at rest.
// For every package (a folder under node_modules) the first time code outside it requires it,
// it records the time, the RSS and the V8 heap used around that require (inclusive: what the
// package pulls in counts for it, unless something earlier already loaded it). The table is
// written as JSON to $TOMO_REQUIRE_TRACE_OUT when the process gets SIGUSR2 (the benchmark sends it
// once /health answers, so it describes what serving the first request needs) and at exit.
// A measuring aid only: never loaded by Tomo itself.
const Module = require('node:module');
const fs = require('node:fs');

const out = process.env.TOMO_REQUIRE_TRACE_OUT;
const entries = new Map(); // package name -> { name, ms, rssBytes, heapBytes, by, order }
const stack = []; // packages being loaded now (outermost first)
let order = 0;

/** The package a resolved file belongs to (`@scope/name` or `name`), or null for project code. */
function packageOf(file) {
  const i = file.lastIndexOf('/node_modules/');
  if (i < 0) return null;
  const parts = file.slice(i + '/node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

const originalLoad = Module._load;
Module._load = function tracedLoad(request, parent, isMain) {
  let file;
  try {
    file = Module._resolveFilename(request, parent, isMain);
  } catch {
    return originalLoad.apply(this, arguments);
  }
  const pkg = packageOf(file);
  const from = parent && parent.filename ? packageOf(parent.filename) : null;
  // Only a package's entry from outside it (or from another package) is a new load to measure.
  if (!pkg || pkg === from || entries.has(pkg) || stack.includes(pkg)) return originalLoad.apply(this, arguments);
  const before = process.memoryUsage();
  const t0 = performance.now();
  stack.push(pkg);
  try {
    return originalLoad.apply(this, arguments);
  } finally {
    stack.pop();
    const after = process.memoryUsage();
    entries.set(pkg, {
      name: pkg,
      ms: performance.now() - t0,
      rssBytes: after.rss - before.rss,
      heapBytes: after.heapUsed - before.heapUsed,
      externalBytes: after.external - before.external,
      by: stack.length ? stack[stack.length - 1] : parent && parent.filename ? parent.filename : '(main)',
      nested: stack.length > 0,
      order: order++,
    });
  }
};

function write(reason) {
  if (!out) return;
  const mem = process.memoryUsage();
  const spaces = require('node:v8')
    .getHeapSpaceStatistics()
    .map((s) => ({ name: s.space_name, size: s.space_size, used: s.space_used_size }));
  fs.writeFileSync(out, JSON.stringify({ reason, at: performance.now(), memory: mem, spaces, packages: [...entries.values()] }));
}

process.on('SIGUSR2', () => write('signal'));
process.on('exit', () => write('exit'));
