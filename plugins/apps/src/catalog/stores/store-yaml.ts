import { lazyModule } from '@tomo/kernel';
import { parseYamlQuickly } from '../fast-yaml';
import { DEFAULT_YAML_LIMITS } from '../load-yaml-catalog';
import type { CatalogIssue } from '../issues';

/** The careful parser, loaded only when a store file needs it (as in load-yaml-catalog.ts: idle memory, issue 19). */
const yaml = lazyModule<typeof import('yaml')>(require, 'yaml');

/**
 * Reads a store's YAML file (docker-compose.yml, umbrel-app.yml): the quick way when it is plain,
 * else the careful way, which allows the anchors and merge keys Compose files use (within the
 * catalog's alias and depth limits) and gives a syntax error its line.
 */
export function readStoreYaml(text: string, file: string): { value: Record<string, unknown> } | { error: CatalogIssue } {
  const quick = parseYamlQuickly(text, DEFAULT_YAML_LIMITS.maxDepth);
  if (quick) return { value: quick };
  const fail = (message: string, line?: number) => ({ error: { file, field: '', message, ...(line ? { line } : {}) } });
  const doc = yaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true, merge: true, version: '1.2' });
  if (doc.errors.length > 0) return fail(`not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, doc.errors[0].linePos?.[0].line);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: DEFAULT_YAML_LIMITS.maxAliasCount * 5 });
  } catch (err) {
    return fail(`not usable YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('must be a mapping of keys');
  return { value: value as Record<string, unknown> };
}
