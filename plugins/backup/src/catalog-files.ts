import fs from 'node:fs';
import path from 'node:path';

/** A custom catalog of the admin's: a folder of YAML definitions, or one Portainer template file. */
export interface CatalogLocation {
  index: number;
  /** The folder's or file's base name (where it lived is machine-specific and not carried). */
  name: string;
  kind: 'folder' | 'portainer';
  absPath: string;
}

/** The admin's catalogs as the apps plugin reads them: `catalog.dirs`, then `TOMO_CATALOG_DIRS`. */
export function customCatalogs(section: unknown, env: NodeJS.ProcessEnv = process.env): CatalogLocation[] {
  const dirs = (section as { dirs?: unknown } | undefined)?.dirs;
  const configured = Array.isArray(dirs) ? dirs.filter((d): d is string => typeof d === 'string' && d.length > 0) : [];
  const fromEnv = (env.TOMO_CATALOG_DIRS ?? '').split(path.delimiter).filter(Boolean);
  const unique = [...new Set([...configured, ...fromEnv].map((p) => path.resolve(p)))];
  return unique
    .filter((p) => fs.existsSync(p))
    .map((absPath, index) => ({ index, name: path.basename(absPath), kind: absPath.toLowerCase().endsWith('.json') ? 'portainer' : 'folder', absPath }));
}

/** Regular files of a catalog, as paths relative to it (symlinks and hidden files left out). */
export function* catalogFiles(catalog: CatalogLocation): Generator<{ rel: string; abs: string }> {
  if (catalog.kind === 'portainer') {
    yield { rel: catalog.name, abs: catalog.absPath };
    return;
  }
  const walk = function* (dir: string, prefix: string): Generator<{ rel: string; abs: string }> {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) yield* walk(abs, rel);
      else if (entry.isFile()) yield { rel, abs };
    }
  };
  yield* walk(catalog.absPath, '');
}

/**
 * Where an imported catalog's file goes: under `root`, never outside it (a backup is data, and
 * a path like `../../etc/x` in it is refused).
 */
export function restoredPath(root: string, catalogDir: string, rel: string): string {
  const parts = rel.split('/');
  if (rel.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) {
    throw new Error(`catalog file path "${rel}" is not a plain relative path`);
  }
  return path.join(root, catalogDir, ...parts);
}
