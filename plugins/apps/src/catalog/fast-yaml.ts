import { CORE_SCHEMA, load } from 'js-yaml';

/**
 * The quick way to read a definition: js-yaml (about ten times faster than `yaml`) with the
 * YAML 1.2 core schema, for files that need none of what the careful path is for. It gives up
 * (returns undefined) on anything unusual — anchors or aliases (the careful path counts them),
 * a syntax error, duplicate keys, a tag, nesting deeper than `maxDepth`, a top level that is not a
 * mapping — and the caller then takes the careful path, which reports the problem with its line.
 */
export function parseYamlQuickly(text: string, maxDepth: number): Record<string, unknown> | undefined {
  if (mayHoldAnchorAliasOrTag(text)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return depthOf(value) <= maxDepth ? (value as Record<string, unknown>) : undefined;
}

/**
 * Whether `&anchor`, `*alias` or `!tag` may occur: any of the three characters anywhere (even
 * inside a string: then the careful path is merely slower) except on a line that starts with `#`.
 * Such a line is a comment or, inside a block scalar or a quoted string, text: never an anchor,
 * an alias or a tag. Without that exception a comment like `GITEA__database__* variables` sent
 * the file to the careful parser and loaded `yaml` at every start (issue 19, idle memory).
 */
export function mayHoldAnchorAliasOrTag(text: string): boolean {
  if (!/[&*!]/.test(text)) return false;
  return text.split('\n').some((line) => !line.trimStart().startsWith('#') && /[&*!]/.test(line));
}

/** Depth of nested objects and arrays (a mapping of scalars is 1). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) deepest = Math.max(deepest, depthOf(item));
  return deepest + 1;
}
