import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cachedPackage, REPO_ROOT } from '../../../test-support/package-cache';

export { REPO_ROOT };
export const RPM_DIR = path.join(REPO_ROOT, 'rpm');
/** The files shared by the RPM and the .deb (installed as they are). */
export const SHARED_DIR = path.join(REPO_ROOT, 'packaging');

/** The files that decide what the package holds, besides the committed application. */
const PACKAGING_FILES = [
  path.join(RPM_DIR, 'build.sh'),
  path.join(RPM_DIR, 'tomo.spec'),
  ...['tomo.service', 'tomo.sysusers', 'tomo.tmpfiles', 'config.yaml', 'tomo.sh', 'tomo.logrotate', 'tidy-tree.js'].map((f) => path.join(SHARED_DIR, f)),
];

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
 * The RPM to test: $TOMO_RPM if set (a package built elsewhere), else a cached build of the
 * commit (by its tree, the packaging files and the Node.js that compiles the native modules),
 * else a fresh `bash rpm/build.sh --ref <commit>` (a few minutes: npm ci and two native modules).
 */
export function builtRpm(): string {
  if (process.env.TOMO_RPM) return path.resolve(process.env.TOMO_RPM);
  return cachedPackage({ kind: 'rpm', script: path.join(RPM_DIR, 'build.sh'), ref: REF, inputs: PACKAGING_FILES, extraKey: process.version, fileName: /^tomo-.*\.rpm$/ });
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
