import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// The package's build and its cache are shared with the background build `npm test` starts.
import { DEB_REF, DEB_DIR, REPO_ROOT, SHARED_DIR, builtDeb } from '../../../scripts/packages/package-builds';

export { DEB_DIR, REPO_ROOT, SHARED_DIR, builtDeb };
/** The commit packaged: HEAD, or $TOMO_DEB_REF (a commit or tag). */
export const REF = DEB_REF;

/** The tools the packaging tests call; the test bed (scripts/testbed.sh) installs them. */
export function assertTools(): void {
  const missing = ['dpkg-deb', 'dpkg-shlibdeps', 'lintian', 'git', 'strip'].filter((tool) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run \`sudo bash scripts/testbed.sh\` (it installs lintian and dpkg-dev)`);
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
