import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh folder under the OS temp dir; {@link removeTempDirs} deletes every one made so far. */
export function makeTempDir(prefix = 'tomo-kernel-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes files (paths relative to `root`), creating folders as needed. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/**
 * Writes a plain CommonJS plugin package into `parent/<folder>`, the way a third party ships one:
 * package.json declaring the Tomo plugin, and `index.js` (plus any extra files). No node_modules.
 */
export function writePluginPackage(
  parent: string,
  folder: string,
  pkg: { name: string; plugin?: string; module?: string },
  indexJs: string,
  extra: Record<string, string> = {},
): string {
  const dir = path.join(parent, folder);
  const tomo = pkg.module ? { module: pkg.module } : { plugin: pkg.plugin ?? folder };
  writeFiles(dir, {
    'package.json': JSON.stringify({ name: pkg.name, version: '1.0.0', main: 'index.js', tomo }, null, 2),
    'index.js': indexJs,
    ...extra,
  });
  return dir;
}
