/**
 * Issue 15, item 1: every plugin's `api.ts` is a contract. The same checks run on two small
 * fixture plugins first, so a check that stopped finding anything would fail here too.
 * By hand: `npx depcruise plugins/*\/src --config scripts/architecture/dependency-cruiser.cjs`.
 */
import path from 'node:path';
import { contractFiles, exportedImplementations, importGraphViolations, REPO_ROOT } from './contract-check';

const FIXTURES = path.join(__dirname, '__fixtures__');

describe('the checks', () => {
  test('find the classes and entities a leaky contract exports, through re-exports, and nothing in a sound one', () => {
    expect(contractFiles(FIXTURES)).toEqual(['plugins/leaky/src/api.ts', 'plugins/sound/src/api.ts']);
    expect(exportedImplementations(FIXTURES)).toEqual([
      'plugins/leaky/src/api.ts exports class LeakyService (plugins/leaky/src/services/leaky-service.ts)',
      'plugins/leaky/src/api.ts exports class LeakyError (plugins/leaky/src/errors.ts)',
      'plugins/leaky/src/api.ts exports entity ThingEntity (plugins/leaky/src/entities/thing.entity.ts)',
    ]);
  });

  test('find the circle through a leaky api.ts and the entity behind it, and nothing in a sound plugin', () => {
    const found = importGraphViolations(FIXTURES);
    expect(found).toEqual([
      'no-circle-through-api: plugins/leaky/src/api.ts → plugins/leaky/src/services/leaky-service.ts [via plugins/leaky/src/services/leaky-service.ts → plugins/leaky/src/api.ts]',
      expect.stringMatching(/^no-entity-behind-api: plugins\/leaky\/src\/api\.ts → (\.\.\/)*node_modules\/typeorm\/.* \[via plugins\/leaky\/src\/entities\/thing\.entity\.ts → /),
      'no-entity-behind-api: plugins/leaky/src/api.ts → plugins/leaky/src/entities/thing.entity.ts [via plugins/leaky/src/entities/thing.entity.ts]',
    ]);
    expect(found.join('\n')).not.toMatch(/plugins\/sound\//);
  });
});

describe("every plugin's api.ts", () => {
  test('is found for each plugin', () => {
    expect(contractFiles(REPO_ROOT)).toEqual(expect.arrayContaining(['plugins/auth/src/api.ts', 'plugins/apps/src/api.ts', 'plugins/preparation/src/api.ts']));
  });

  test('exports no class and no entity (re-exports resolved by the compiler)', () => {
    expect(exportedImplementations(REPO_ROOT)).toEqual([]);
  });

  test('sits on no import circle and reaches no entity', () => {
    expect(importGraphViolations(REPO_ROOT)).toEqual([]);
  });
});
