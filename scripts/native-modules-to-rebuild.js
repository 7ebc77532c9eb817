#!/usr/bin/env node
// Prints the names of the packages in <root>/node_modules whose compiled native modules
// (build/Release/*.node) do not load under the running Node.js, one line, space-separated:
// an `npm install` under another Node.js major built them for its ABI (NODE_MODULE_VERSION),
// and `npm install` does not rebuild them when the Node.js changes. scripts/use-node24.sh passes
// them to `npm rebuild`. Node-API prebuilds (bcrypt's prebuilds/) are ABI-stable and not looked at.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(process.argv[2] ?? '.');

/** Package folders under a node_modules folder, scoped ones and nested node_modules included. */
function* packages(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      yield* packages(full);
      continue;
    }
    yield full;
    yield* packages(path.join(full, 'node_modules'));
  }
}

/** Whether the addon loads in this process (a wrong ABI throws at dlopen). */
function loads(file) {
  try {
    process.dlopen({ exports: {} }, file);
    return true;
  } catch (err) {
    // A shared object that is no Node addon (better-sqlite3's test_extension.node, an SQLite
    // extension) opens but does not register: not ours to rebuild. Anything else (another ABI's
    // NODE_MODULE_VERSION, undefined symbols, a truncated file) a rebuild fixes.
    return /did not self-register/.test(String(err && err.message));
  }
}

const stale = new Set();
for (const pkg of packages(path.join(root, 'node_modules'))) {
  const release = path.join(pkg, 'build', 'Release');
  let files;
  try {
    files = fs.readdirSync(release).filter((f) => f.endsWith('.node'));
  } catch {
    continue;
  }
  if (files.some((f) => !loads(path.join(release, f)))) {
    stale.add(JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).name);
  }
}
process.stdout.write([...stale].sort().join(' '));
