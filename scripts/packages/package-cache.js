'use strict';
// Building a package (rpm/build.sh, deb/build.sh) takes minutes: the packaging tests build it
// once per input and keep it in $TMPDIR/tomo-<kind>-cache/<key>, where the key hashes the
// committed tree, the packaging files and whatever else decides the result. `npm test` builds
// both in the background while the other tests run (scripts/packages/prebuild.js); a lock file
// per kind makes a test that needs the package wait for that build instead of starting its own.
const { execFileSync, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The repository root. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * @typedef {object} PackageBuild
 * @property {string} kind `rpm` or `deb`: names the cache folder, its lock and the build log.
 * @property {string} script The build script, run as `bash <script> --ref <ref> --outdir <folder>`.
 * @property {string} ref The commit or tag packaged.
 * @property {string[]} inputs Files besides the committed tree that decide what the package holds.
 * @property {string} extraKey Anything else the result depends on (the Node.js that compiles the native modules...).
 * @property {RegExp} fileName The built package's file name.
 */

/** @param {string} kind */
function cacheDir(kind) {
  return path.join(os.tmpdir(), `tomo-${kind}-cache`);
}

/** @param {PackageBuild} build */
function cacheKey(build) {
  const hash = createHash('sha256');
  hash.update(execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', `${build.ref}^{tree}`], { encoding: 'utf8' }).trim());
  for (const file of build.inputs) hash.update(`\0${path.relative(REPO_ROOT, file)}\0`).update(fs.readFileSync(file));
  hash.update(`\0${build.extraKey}\0${os.arch()}`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The cached package for these inputs, built first when there is none. While another process
 * builds this kind (it holds `<cache>/build.lock`), waits for it and takes its result.
 * @param {PackageBuild} build
 * @returns {string}
 */
function cachedPackage(build) {
  const root = cacheDir(build.kind);
  const dir = path.join(root, cacheKey(build));
  fs.mkdirSync(root, { recursive: true });
  const lock = path.join(root, 'build.lock');
  // flock(1) (util-linux): the lock goes with the process, so a killed build never leaves it held.
  const waited = spawnSync('flock', ['--exclusive', lock, 'true']);
  if (waited.status !== 0) throw new Error(`flock ${lock} failed: ${waited.stderr}`);
  const cached = findPackage(dir, build.fileName);
  if (cached) return cached;

  const work = fs.mkdtempSync(path.join(root, 'building-'));
  const logFile = path.join(root, 'last-build.log');
  const log = fs.openSync(logFile, 'w');
  let result;
  try {
    result = spawnSync('flock', ['--exclusive', lock, 'bash', build.script, '--ref', build.ref, '--outdir', work], { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
  } finally {
    fs.closeSync(log);
  }
  const built = findPackage(work, build.fileName);
  if (result.status !== 0 || !built) {
    fs.rmSync(work, { recursive: true, force: true });
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`bash ${path.relative(REPO_ROOT, build.script)} failed (exit ${result.status}); full log ${logFile}:\n${tail}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(work, dir);
  pruneCache(root, dir);
  return path.join(dir, path.basename(built));
}

/**
 * Keeps the newest builds (other commits, other packaging changes) and removes older ones.
 * @param {string} root @param {string} keep
 */
function pruneCache(root, keep, newest = 3) {
  const builds = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{16}$/.test(e.name))
    .map((e) => path.join(root, e.name))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  for (const old of builds.slice(newest)) if (old !== keep) fs.rmSync(old, { recursive: true, force: true });
}

/** @param {string} dir @param {RegExp} fileName @returns {string | undefined} */
function findPackage(dir, fileName) {
  if (!fs.existsSync(dir)) return undefined;
  const found = fs.readdirSync(dir).filter((f) => fileName.test(f));
  return found.length === 1 ? path.join(dir, found[0]) : undefined;
}

module.exports = { REPO_ROOT, cacheDir, cachedPackage };
