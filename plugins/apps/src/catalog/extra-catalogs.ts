import path from 'node:path';
import { ConfigError } from '@tomo/kernel';
import { catalogConfigSchema } from '../config';

/**
 * The admin's extra catalogs: `catalog.dirs` in the config file, then `TOMO_CATALOG_DIRS`
 * (separated like PATH). Relative paths are taken from the working directory.
 */
export function extraCatalogEntries(section: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const parsed = catalogConfigSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = ['catalog', ...issue.path.map(String)].join('.');
    throw new ConfigError(`Invalid configuration: ${key}: ${issue.message}`, key);
  }
  const fromEnv = (env.TOMO_CATALOG_DIRS ?? '').split(path.delimiter).filter(Boolean);
  return [...new Set([...parsed.data.dirs, ...fromEnv].map((p) => path.resolve(p)))];
}
