import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cachedPackage, REPO_ROOT } from '../../../test-support/package-cache';

export { REPO_ROOT };
export const DEB_DIR = path.join(REPO_ROOT, 'deb');
/** The files shared with the RPM (installed as they are). */
export const SHARED_DIR = path.join(REPO_ROOT, 'packaging');

/** The files that decide what the package holds, besides the committed application. */
const PACKAGING_FILES = [
  ...['build.sh', 'control', 'copyright', 'changelog', 'lintian-overrides', 'postinst', 'prerm', 'postrm'].map((f) => path.join(DEB_DIR, f)),
  ...['tomo.service', 'tomo.sysusers', 'tomo.tmpfiles', 'config.yaml', 'tomo.sh', 'tomo.logrotate', 'tidy-tree.js'].map((f) => path.join(SHARED_DIR, f)),
];

/** The tools the packaging tests call; the test bed (scripts/testbed.sh) installs them. */
export function assertTools(): void {
  const missing = ['dpkg-deb', 'dpkg-shlibdeps', 'lintian', 'git', 'strip'].filter((tool) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run \`sudo bash scripts/testbed.sh\` (it installs lintian and dpkg-dev)`);
}

/** The commit packaged: HEAD, or $TOMO_DEB_REF (a commit or tag). */
export const REF = process.env.TOMO_DEB_REF || 'HEAD';

/**
 * The .deb to test: $TOMO_DEB if set (a package built elsewhere), else a cached build of the
 * commit (by its tree, the packaging files and the Node.js version range the package carries),
 * else a fresh `bash deb/build.sh --ref <commit>` (a few minutes: npm ci, the native modules).
 */
export function builtDeb(): string {
  if (process.env.TOMO_DEB) return path.resolve(process.env.TOMO_DEB);
  return cachedPackage({ kind: 'deb', script: path.join(DEB_DIR, 'build.sh'), ref: REF, inputs: PACKAGING_FILES, extraKey: process.env.TOMO_DEB_NODE ?? '24', fileName: /^tomo_.*\.deb$/ });
}

/** The control file's fields (`dpkg-deb -f`). */
export function controlFields(deb: string): Record<string, string> {
  const out = execFileSync('dpkg-deb', ['-f', deb], { encoding: 'utf8' });
  const fields: Record<string, string> = {};
  let last = '';
  for (const line of out.split('\n')) {
    const m = /^([A-Za-z-]+): ?(.*)$/.exec(line);
    if (m) fields[(last = m[1])] = m[2];
    else if (line.startsWith(' ') && last) fields[last] += `\n${line}`;
  }
  return fields;
}

/** A control member of the package (`dpkg-deb -I <deb> <name>`): conffiles, postinst... */
export function controlMember(deb: string, name: string): string {
  return execFileSync('dpkg-deb', ['-I', deb, name], { encoding: 'utf8' });
}

/** One entry of the payload, as `dpkg-deb -c` lists it. */
export interface PackagedFile {
  path: string;
  perms: string;
  owner: string;
}

export function packagedFiles(deb: string): Map<string, PackagedFile> {
  const out = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const files = new Map<string, PackagedFile>();
  for (const line of out.split('\n').filter(Boolean)) {
    // drwxr-xr-x root/root         0 2026-12-07 03:00 ./usr/lib/tomo/
    const m = /^(\S+) (\S+)\s+\d+ \S+ \S+ \.(\/.*?)\/?(?: -> .*| link to .*)?$/.exec(line);
    if (!m) throw new Error(`unexpected dpkg-deb -c line: ${line}`);
    const file = m[3] === '' ? '/' : m[3];
    files.set(file, { path: file, perms: m[1], owner: m[2] });
  }
  return files;
}

/** Unpacks the payload (`dpkg-deb -x`) into a new folder and returns it. */
export function unpackPayload(deb: string, parent: string): string {
  const root = path.join(parent, 'root');
  fs.mkdirSync(root, { recursive: true });
  execFileSync('dpkg-deb', ['-x', deb, root]);
  return root;
}
