import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@tomo/kernel';
import { catalogConfigSchema, type CatalogConfig } from '../config';

/** Parses the top-level `catalog:` section; a bad value is a start-up error naming its key. */
function catalogConfig(section: unknown): CatalogConfig {
  const parsed = catalogConfigSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = ['catalog', ...issue.path.map(String)].join('.');
    throw new ConfigError(`Invalid configuration: ${key}: ${issue.message}`, key);
  }
  return parsed.data;
}

/**
 * The admin's extra catalogs: `catalog.dirs` in the config file, then `TOMO_CATALOG_DIRS`
 * (separated like PATH). Relative paths are taken from the working directory.
 */
export function extraCatalogEntries(section: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const config = catalogConfig(section);
  const fromEnv = (env.TOMO_CATALOG_DIRS ?? '').split(path.delimiter).filter(Boolean);
  return [...new Set([...config.dirs, ...fromEnv].map((p) => path.resolve(p)))];
}

export type ConfiguredStore = CatalogConfig['stores'][number] & { id: string };

/**
 * The admin's community stores (`catalog.stores`), each folder resolved and checked to exist, each
 * id (default: the format) unique. A problem is a start-up error naming the key.
 */
export function configuredStoreEntries(section: unknown): ConfiguredStore[] {
  const stores = catalogConfig(section).stores;
  const seen = new Map<string, number>();
  return stores.map((store, i) => {
    const dir = path.resolve(store.dir);
    let isDir = false;
    try {
      isDir = fs.statSync(dir).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw new ConfigError(`Invalid configuration: catalog.stores.${i}.dir: "${dir}" is not an existing folder`, `catalog.stores.${i}.dir`);
    const id = store.id ?? store.format;
    if (seen.has(id)) {
      throw new ConfigError(`Invalid configuration: catalog.stores.${i}.id: "${id}" is already the id of catalog.stores.${seen.get(id)} (give each store its own id)`, `catalog.stores.${i}.id`);
    }
    seen.set(id, i);
    return { ...store, dir, id };
  });
}
