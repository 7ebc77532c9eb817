import path from 'node:path';
import { CatalogRegistry } from './catalog-registry';
import type { CatalogSource } from './catalog-types';
import { catalogsExtension } from './catalogs-extension';
import { FIXTURES, validDefinition } from './test-fixtures';

const PORTAINER = path.join(FIXTURES, 'portainer-v2.json');
const SPEC_FOLDER = path.join(FIXTURES, 'spec-example');

describe('the apps.catalogs extension point', () => {
  test('turns plain options into loading sources, a plugin catalog unless told otherwise', async () => {
    const sources: CatalogSource[] = [];
    const point = catalogsExtension(sources);
    point.addFolder({ dir: SPEC_FOLDER, id: 'plugin:spec', label: 'Spec example' });
    point.addPortainerFile({ file: PORTAINER });
    point.addDefinitions({ id: 'plugin:inline', definitions: () => [validDefinition({ id: 'inline-app', name: 'Inline app' })] });
    point.addFolder({ dir: SPEC_FOLDER, kind: 'folder' });
    expect(sources.map(({ id, label, kind }) => ({ id, label, kind }))).toEqual([
      { id: 'plugin:spec', label: 'Spec example', kind: 'plugin' },
      { id: `import:${PORTAINER}`, label: 'Portainer templates (portainer-v2.json)', kind: 'import' },
      { id: 'plugin:inline', label: 'plugin:inline', kind: 'plugin' },
      { id: `folder:${SPEC_FOLDER}`, label: SPEC_FOLDER, kind: 'folder' },
    ]);
    const registry = new CatalogRegistry(sources);
    const snapshot = await registry.reload();
    const byId = Object.fromEntries(snapshot.catalogs.map((c) => [c.id, c]));
    expect(byId['plugin:inline'].appIds).toEqual(['inline-app']);
    expect(byId['plugin:spec'].appIds.length).toBeGreaterThan(0);
    expect(byId[`import:${PORTAINER}`].appIds.length).toBeGreaterThan(0);
    // The Portainer fixture holds deliberately broken templates; the others load cleanly.
    expect(byId['plugin:spec'].errors).toEqual([]);
    expect(byId['plugin:inline'].errors).toEqual([]);
  });

  test('keeps a source that brings its own loader as it is', async () => {
    const sources: CatalogSource[] = [];
    const custom: CatalogSource = { id: 'plugin:custom', label: 'Custom', kind: 'plugin', load: async () => ({ apps: [], errors: [], warnings: [], skipped: [] }) };
    catalogsExtension(sources).addCatalog(custom);
    expect(sources).toEqual([custom]);
  });

  test('refuses a second catalog with the same id, naming it, and keeps the first', () => {
    const sources: CatalogSource[] = [];
    const point = catalogsExtension(sources);
    point.addFolder({ dir: SPEC_FOLDER, id: 'plugin:twice' });
    expect(() => point.addDefinitions({ id: 'plugin:twice', definitions: () => [] })).toThrow('Catalog "plugin:twice" is added twice');
    expect(sources.map((s) => s.kind)).toEqual(['plugin']);
  });
});
