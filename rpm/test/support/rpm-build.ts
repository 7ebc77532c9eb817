import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// The package's build and its cache are shared with the background build `npm test` starts.
import { RPM_REF, RPM_DIR, REPO_ROOT, SHARED_DIR, builtRpm } from '../../../scripts/packages/package-builds';

export { RPM_DIR, REPO_ROOT, SHARED_DIR, builtRpm };
/** The commit packaged: HEAD, or $TOMO_RPM_REF (a commit or tag). */
export const REF = RPM_REF;

/** The tools the packaging tests call; the test bed (scripts/testbed.sh) installs them. */
export function assertTools(): void {
  const missing = ['rpmbuild', 'rpmlint', 'rpm2cpio', 'cpio', 'systemd-analyze', 'git'].filter(
    (tool) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0,
  );
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run \`sudo bash scripts/testbed.sh\` (it installs rpm and rpmlint)`);
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
