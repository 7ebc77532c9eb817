#!/usr/bin/env node
// Tidies the application tree the packages install (rpm/tomo.spec's %install, deb/build.sh):
//   node packaging/tidy-tree.js <buildroot>/usr/lib/tomo [--node=<path of node at run time>]
//
// - Native modules: keeps only the compiled build/Release/*.node of each (not the object files,
//   makefiles, nor the C/C++ sources and gyp files they were compiled from), and drops the
//   prebuilt binaries for other systems (prebuilds/): the module was compiled on this host.
//   Test binaries (better-sqlite3's test_extension.node) go too.
// - Modes: ELF files and scripts (first line "#!") 0755, every other file 0644, folders 0755.
// - Shebangs: "#!/usr/bin/env node" (and sh, bash) become absolute interpreter paths, as
//   Fedora's brp-mangle-shebangs would make them; node's path is /usr/bin/node unless --node
//   names another (the .deb carries its own Node.js in /usr/lib/tomo/node).
// - Removes development leftovers in node_modules: hidden folders (.github, nested .bin) and
//   the dotfiles of development tools (.eslintrc, .travis.yml, .npmignore...).
// - Removes folders left empty (npm prune leaves empty @scope folders behind).
// Prints what it changed, one summary line per kind.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [root, ...options] = process.argv.slice(2);
const nodeOption = options.find((o) => o.startsWith('--node='));
if (!root || !fs.statSync(root, { throwIfNoEntry: false })?.isDirectory() || options.some((o) => o !== nodeOption) || nodeOption === '--node=') {
  process.stderr.write('usage: node tidy-tree.js <application folder> [--node=<absolute path>]\n');
  process.exit(2);
}

// Built next to a module for its own tests (better-sqlite3 compiles a SQLite test extension).
const TEST_BINARIES = new Set(['test_extension.node']);
const BUILD_SOURCES = /\.(c|cc|cpp|cxx|h|hh|hpp|gyp|gypi|patch)$/;
const TOOL_DOTFILES =
  /^\.(eslintrc.*|eslintignore|nycrc.*|c8rc.*|mocharc.*|taprc|travis\.yml|editorconfig|npmignore|npmrc|gitattributes|gitignore|dockerignore|prettierrc.*|prettierignore|pre-commit-config\.yaml|nojekyll|grenrc\.yml|clang-format|borp\.yaml|airtap\.yml|zuul\.yml|jshintrc|babelrc|runkit_example\.js)$/;
const INTERPRETERS = { node: nodeOption ? nodeOption.slice('--node='.length) : '/usr/bin/node', sh: '/bin/sh', bash: '/bin/bash' };
const counts = { nativeModules: 0, removed: 0, shebangs: 0, executables: 0, emptyDirs: 0 };
const unknownShebangs = [];

/** Every folder below `dir` (depth first, children before parents). */
function* folders(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) yield* folders(path.join(dir, entry.name));
  }
  yield dir;
}

function remove(target) {
  if (fs.existsSync(target)) {
    fs.rmSync(target, { recursive: true, force: true });
    counts.removed++;
  }
}

// 1. Native modules: <module>/build/Release/*.node is all that is loaded.
for (const dir of [...folders(root)]) {
  if (!dir.endsWith(`${path.sep}build${path.sep}Release`) || !fs.existsSync(dir)) continue;
  const binaries = fs.readdirSync(dir).filter((f) => f.endsWith('.node') && !TEST_BINARIES.has(f));
  if (binaries.length === 0) continue;
  const moduleDir = path.dirname(path.dirname(dir));
  const keep = binaries.map((f) => [f, fs.readFileSync(path.join(dir, f)), fs.statSync(path.join(dir, f)).mtime]);
  remove(path.join(moduleDir, 'build'));
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, bytes, mtime] of keep) {
    fs.writeFileSync(path.join(dir, name), bytes);
    fs.utimesSync(path.join(dir, name), mtime, mtime);
  }
  // Prebuilt binaries for other systems, and the C/C++ sources, headers and gyp files the
  // module was compiled from (better-sqlite3 carries SQLite's source).
  remove(path.join(moduleDir, 'prebuilds'));
  for (const file of fs.readdirSync(moduleDir, { recursive: true })) {
    const name = String(file);
    if (!name.split(path.sep).includes('node_modules') && BUILD_SOURCES.test(name)) remove(path.join(moduleDir, name));
  }
  counts.nativeModules++;
}

// 2. Development leftovers inside node_modules: hidden folders (.github, .husky, nested .bin
//    command links...) and the dotfiles of development tools. No package loads them.
for (const dir of [...folders(root)]) {
  if (!dir.split(path.sep).includes('node_modules') || !fs.existsSync(dir)) continue;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if ((entry.isDirectory() && entry.name.startsWith('.')) || (!entry.isDirectory() && TOOL_DOTFILES.test(entry.name))) {
      remove(path.join(dir, entry.name));
    }
  }
}

// 3. Modes and shebangs.
for (const dir of folders(root)) {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(dir, entry.name);
    const fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(4);
    const length = fs.readSync(fd, head, 0, 4, 0);
    fs.closeSync(fd);
    const elf = length === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    const script = length >= 2 && head[0] === 0x23 && head[1] === 0x21;
    if (script) {
      const text = fs.readFileSync(file, 'utf8');
      const newline = text.indexOf('\n');
      const first = newline < 0 ? text : text.slice(0, newline);
      const env = /^#!\s*\/usr\/bin\/env\s+(\S+)(.*)$/.exec(first);
      if (env) {
        const interpreter = INTERPRETERS[env[1]];
        if (interpreter) {
          fs.writeFileSync(file, `#!${interpreter}${env[2]}${newline < 0 ? '' : text.slice(newline)}`);
          counts.shebangs++;
        } else {
          unknownShebangs.push(`${path.relative(root, file)}: ${first}`);
        }
      }
    }
    fs.chmodSync(file, elf || script ? 0o755 : 0o644);
    if (elf || script) counts.executables++;
  }
}

// 4. Empty folders (children first, so nested empty folders go too).
for (const dir of folders(root)) {
  if (dir !== root && fs.readdirSync(dir).length === 0) {
    fs.rmdirSync(dir);
    counts.emptyDirs++;
  }
}

process.stdout.write(
  `tidy-tree: ${counts.nativeModules} native modules reduced to their .node files, ${counts.removed} leftovers removed, ` +
    `${counts.shebangs} shebangs made absolute, ${counts.executables} executables, ${counts.emptyDirs} empty folders removed\n`,
);
if (unknownShebangs.length > 0) {
  process.stderr.write(`tidy-tree: shebangs left as they are (unknown interpreter):\n  ${unknownShebangs.join('\n  ')}\n`);
}
