import type { z } from 'zod';

/**
 * One problem found while loading a catalog: which file, which field, what is wrong. Loading never
 * throws for a bad definition; it returns these instead, and the rest of the catalog still loads.
 */
export interface CatalogIssue {
  /** The file (or catalog source) the problem is in. */
  file: string;
  /**
   * Dotted path of the field at fault, e.g. `ports.0.host` or `env.2.MYSQL_HOST`; `''` when the
   * problem is the whole file (unreadable, too large, not YAML, not a mapping).
   */
  field: string;
  /** What is wrong, in plain words, for an admin reading the catalog status page or a log. */
  message: string;
  /** 1-based line of the field in the file, when known (YAML files). */
  line?: number;
}

/** A problem inside one definition, before the file name is attached. */
export interface FieldProblem {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

/** `['ports', 0, 'host']` → `ports.0.host`. */
export function fieldOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.');
}

/** Prefix of the message every strict object of the format gives to unknown keys (see `strictObject` in definition-schema). */
export const ALLOWED_KEYS_PREFIX = 'allowed keys: ';

/**
 * Flattens zod issues into field problems. An unknown-keys issue becomes one problem per key, with
 * the key in the path (so the field names the key at fault, e.g. `ports.0.hostt`).
 */
export function problemsFromZod(error: z.ZodError): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = issue.message.startsWith(ALLOWED_KEYS_PREFIX) ? `; ${issue.message}` : '';
      for (const key of issue.keys) out.push({ path: [...issue.path, key], message: `unknown key "${key}"${allowed}` });
    } else {
      out.push({ path: issue.path, message: issue.message });
    }
  }
  return out;
}

/** Attaches the file to field problems. */
export function toIssues(file: string, problems: ReadonlyArray<FieldProblem>): CatalogIssue[] {
  return problems.map((p) => ({ file, field: fieldOf(p.path), message: p.message }));
}
