import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Building a package (rpm/build.sh, deb/build.sh) takes minutes: the packaging tests build it
// once per input and keep it in $TMPDIR/tomo-<kind>-cache/<key>, where the key hashes the
// committed tree, the packaging files and whatever else decides the result.

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..');

export interface PackageBuild {
  /** `rpm` or `deb`: names the cache folder and the build log. */
  kind: string;
  /** The build script, run as `bash <script> --ref <ref> --outdir <folder>`. */
  script: string;
  /** The commit or tag packaged. */
  ref: string;
  /** Files besides the committed tree that decide what the package holds. */
  inputs: string[];
  /** Anything else the result depends on (the Node.js that compiles the native modules...). */
  extraKey: string;
  /** The built package's file name. */
  fileName: RegExp;
}

export function cacheDir(kind: string): string {
  return path.join(os.tmpdir(), `tomo-${kind}-cache`);
}

function cacheKey(build: PackageBuild): string {
  const hash = createHash('sha256');
  hash.update(execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', `${build.ref}^{tree}`], { encoding: 'utf8' }).trim());
  for (const file of build.inputs) hash.update(`\0${path.relative(REPO_ROOT, file)}\0`).update(fs.readFileSync(file));
  hash.update(`\0${build.extraKey}\0${os.arch()}`);
  return hash.digest('hex').slice(0, 16);
}

/** The cached package for these inputs, built first when there is none. */
export function cachedPackage(build: PackageBuild): string {
  const root = cacheDir(build.kind);
  const dir = path.join(root, cacheKey(build));
  const cached = findPackage(dir, build.fileName);
  if (cached) return cached;

  fs.mkdirSync(root, { recursive: true });
  const work = fs.mkdtempSync(path.join(root, 'building-'));
  const logFile = path.join(root, 'last-build.log');
  const log = fs.openSync(logFile, 'w');
  let result: SpawnSyncReturns<Buffer>;
  try {
    result = spawnSync('bash', [build.script, '--ref', build.ref, '--outdir', work], { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
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

/** Keeps the newest builds (other commits, other packaging changes) and removes older ones. */
function pruneCache(root: string, keep: string, newest = 3): void {
  const builds = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{16}$/.test(e.name))
    .map((e) => path.join(root, e.name))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  for (const old of builds.slice(newest)) if (old !== keep) fs.rmSync(old, { recursive: true, force: true });
}

function findPackage(dir: string, fileName: RegExp): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const found = fs.readdirSync(dir).filter((f) => fileName.test(f));
  return found.length === 1 ? path.join(dir, found[0]) : undefined;
}
