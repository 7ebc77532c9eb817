import fs from 'node:fs';
import path from 'node:path';

/** Files this process holds open under `dir` (Linux: read from /proc/self/fd). */
export function openFilesUnder(dir: string): string[] {
  const root = fs.realpathSync(dir);
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(path.join('/proc/self/fd', fd));
      if (target.startsWith(`${root}/`)) out.push(target);
    } catch {
      /* closed while we looked */
    }
  }
  return out;
}
