import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const RPM_DIR = path.join(REPO_ROOT, 'rpm');

/** The files that decide what the package holds, besides the committed application. */
const PACKAGING_FILES = ['build.sh', 'tomo.spec', 'tomo.service', 'tomo.sysusers', 'tomo.tmpfiles', 'config.yaml', 'tomo.sh', 'tomo.logrotate', 'tidy-tree.js'];

/** Where built packages are kept between runs, one folder per cache key. */
export const CACHE_DIR = path.join(os.tmpdir(), 'tomo-rpm-cache');

/** The tools the packaging tests call; the test bed (scripts/testbed.sh) installs them. */
export function assertTools(): void {
  const missing = ['rpmbuild', 'rpmlint', 'rpm2cpio', 'cpio', 'systemd-analyze', 'git'].filter(
    (tool) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0,
  );
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run \`sudo bash scripts/testbed.sh\` (it installs rpm and rpmlint)`);
}

/** The commit packaged: HEAD, or $TOMO_RPM_REF (a commit or tag). */
export const REF = process.env.TOMO_RPM_REF || 'HEAD';

/**
 * What the package is built from: the committed application (rpm/build.sh packs `git archive
 * <ref>`), the packaging files, and the Node.js that compiles the native modules.
 */
export function cacheKey(): string {
  const hash = createHash('sha256');
  hash.update(execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', `${REF}^{tree}`], { encoding: 'utf8' }).trim());
  for (const file of PACKAGING_FILES) hash.update(`\0${file}\0`).update(fs.readFileSync(path.join(RPM_DIR, file)));
  hash.update(`\0${process.version}\0${os.arch()}`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The RPM to test: $TOMO_RPM if set (a package built elsewhere), else a cached build of the
 * commit, else a fresh `bash rpm/build.sh --ref <commit>` (a few minutes: npm ci and two native
 * modules).
 */
export function builtRpm(): string {
  if (process.env.TOMO_RPM) return path.resolve(process.env.TOMO_RPM);
  const dir = path.join(CACHE_DIR, cacheKey());
  const cached = findRpm(dir);
  if (cached) return cached;

  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const work = fs.mkdtempSync(path.join(CACHE_DIR, 'building-'));
  const logFile = path.join(CACHE_DIR, 'last-build.log');
  const log = fs.openSync(logFile, 'w');
  let result: SpawnSyncReturns<Buffer>;
  try {
    result = spawnSync('bash', [path.join(RPM_DIR, 'build.sh'), '--ref', REF, '--outdir', work], { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
  } finally {
    fs.closeSync(log);
  }
  const built = findRpm(work);
  if (result.status !== 0 || !built) {
    fs.rmSync(work, { recursive: true, force: true });
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`bash rpm/build.sh failed (exit ${result.status}); full log ${logFile}:\n${tail}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(work, dir);
  pruneCache(dir);
  return path.join(dir, path.basename(built));
}

/** Keeps the newest builds (other commits, other packaging changes) and removes older ones. */
function pruneCache(keep: string, newest = 3): void {
  const builds = fs
    .readdirSync(CACHE_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{16}$/.test(e.name))
    .map((e) => path.join(CACHE_DIR, e.name))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  for (const old of builds.slice(newest)) if (old !== keep) fs.rmSync(old, { recursive: true, force: true });
}

function findRpm(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const rpms = fs.readdirSync(dir).filter((f) => /^tomo-.*\.rpm$/.test(f));
  return rpms.length === 1 ? path.join(dir, rpms[0]) : undefined;
}

/** One file of the package, as `rpm -qp` describes it. */
export interface PackagedFile {
  path: string;
  /** e.g. `-rwxr-xr-x`, `drwxr-x---`, `lrwxrwxrwx`. */
  perms: string;
  user: string;
  group: string;
  /** rpm's file flags: `c` config, `n` noreplace, `d` doc, ... */
  flags: string;
  linkTo: string;
}

export function packagedFiles(rpm: string): Map<string, PackagedFile> {
  const out = execFileSync('rpm', ['-qp', '--qf', '[%{FILENAMES}\t%{FILEMODES:perms}\t%{FILEUSERNAME}\t%{FILEGROUPNAME}\t%{FILEFLAGS:fflags}\t%{FILELINKTOS}\n]', rpm], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = new Map<string, PackagedFile>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [file, perms, user, group, flags, linkTo] = line.split('\t');
    files.set(file, { path: file, perms, user, group, flags, linkTo });
  }
  return files;
}

/** `rpm -qp <query option>` as lines. */
export function rpmQuery(rpm: string, option: string): string[] {
  return execFileSync('rpm', ['-qp', option, rpm], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** Unpacks the payload (`rpm2cpio | cpio -idm`) into a new folder and returns it. */
export function unpackPayload(rpm: string, parent: string): string {
  const root = path.join(parent, 'root');
  fs.mkdirSync(root, { recursive: true });
  execFileSync('sh', ['-c', 'rpm2cpio "$1" | cpio -idm --quiet', 'sh', rpm], { cwd: root });
  return root;
}
