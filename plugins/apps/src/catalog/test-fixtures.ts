// Helpers for the catalog tests (excluded from coverage by name, see jest.config.js).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FIXTURES = path.join(__dirname, '__fixtures__');
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const BUILTIN_CATALOG = path.join(REPO_ROOT, 'catalog');

const made: string[] = [];

/** A fresh temp folder holding the given files (name → content); removed by `removeTempDirs()`. */
export function tempCatalog(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-catalog-test-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A small valid definition as YAML; `extra` lines are appended at the top level. */
export function validYaml(id: string, extra = ''): string {
  return [
    `id: ${id}`,
    `name: App ${id}`,
    'description: A test app',
    'category: testing',
    'image: nginx:1.27',
    'ports:',
    '  - "8080:80"',
    extra,
  ].join('\n');
}

/** A valid definition as an object (for parseAppDefinition); fields may be overridden. */
export function validDefinition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'demo', name: 'Demo', description: 'A demo app', category: 'testing', image: 'nginx:1.27', ...overrides };
}
