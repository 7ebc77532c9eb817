// Helpers for the install tests (excluded from coverage and from the build by name, see
// jest.config.js and the plugin's tsconfig).
import { parseAppDefinition, type AppDefinition } from '../catalog';
import { validDefinition } from '../catalog/test-fixtures';

/**
 * A canonical definition from definition-format input (`validDefinition` plus `overrides`), going
 * through the real schema so tests only ever see definitions the catalog could hold.
 */
export function appOf(overrides: Record<string, unknown> = {}): AppDefinition {
  const r = parseAppDefinition(validDefinition(overrides), 'test.yaml');
  if (!r.app) throw new Error(`invalid test definition: ${JSON.stringify(r.errors)}`);
  return r.app;
}

/** Deterministic stand-in for generateValue: says which kind it was asked for. */
export const fakeGenerate = (kind: string): string => `generated-${kind}`;

/** Values a shell or Compose would change; each must reach the container as written. */
export const HOSTILE_VALUES = [
  '$HOME',
  '${HOME}',
  '$$',
  '$$$',
  '`id`',
  '"double" \'single\'',
  '$(touch /tmp/marker)',
  '${HOME:-default} ${HOME?err}',
  'a: b\nc: [d]\n- e',
  '{{OTHER}}',
  '#not a comment',
  '\\n \\$ back\\slash',
];
