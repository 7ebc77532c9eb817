import fs from 'node:fs';
import path from 'node:path';
import type { TomoConfig } from '@tomo/kernel';
import type { BackupFileSource } from '../api';

/** A folder or file a backup carries, numbered in the manifest (`catalogs`). */
export interface FileLocation {
  index: number;
  /** The folder's or file's base name (where it lived is machine-specific and not carried). */
  name: string;
  /** Its owner's word for it, carried as is. */
  kind: string;
  absPath: string;
}

/** What the plugins' file sources name right now: existing paths only, each once, numbered. */
export function fileLocations(sources: readonly BackupFileSource[], config: TomoConfig): FileLocation[] {
  const seen = new Set<string>();
  const out: FileLocation[] = [];
  for (const source of sources) {
    for (const location of source.locations(config)) {
      const absPath = path.resolve(location.path);
      if (seen.has(absPath) || !fs.existsSync(absPath)) continue;
      seen.add(absPath);
      out.push({ index: out.length, name: location.name, kind: location.kind, absPath });
    }
  }
  return out;
}

/** Regular files of a location, as paths relative to it (symlinks and hidden files left out); a file location is itself. */
export function* locationFiles(location: FileLocation): Generator<{ rel: string; abs: string }> {
  if (!fs.statSync(location.absPath).isDirectory()) {
    yield { rel: path.basename(location.absPath), abs: location.absPath };
    return;
  }
  const walk = function* (dir: string, prefix: string): Generator<{ rel: string; abs: string }> {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) yield* walk(abs, rel);
      else if (entry.isFile()) yield { rel, abs };
    }
  };
  yield* walk(location.absPath, '');
}

/**
 * Where an imported file goes: under `root`, never outside it (a backup is data, and a path
 * like `../../etc/x` in it is refused).
 */
export function restoredPath(root: string, locationDir: string, rel: string): string {
  const parts = rel.split('/');
  if (rel.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) {
    throw new Error(`catalog file path "${rel}" is not a plain relative path`);
  }
  return path.join(root, locationDir, ...parts);
}
