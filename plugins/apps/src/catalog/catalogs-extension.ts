import type { AppCatalogsExtension } from '../extension-points';
import { inlineSource, portainerFileSource, yamlFolderSource } from './catalog-registry';
import type { CatalogSource } from './catalog-types';
import { storeSource } from './stores/store-readers';

/**
 * The `apps.catalogs` extension point's implementation: turns each call's plain options into a
 * source with its loader and adds it to `sources` (read once, in `init`). An id added twice is a
 * programming error and throws at start-up, naming the catalog.
 */
export function catalogsExtension(sources: CatalogSource[]): AppCatalogsExtension {
  const add = (source: CatalogSource) => {
    if (sources.some((s) => s.id === source.id)) throw new Error(`Catalog "${source.id}" is added twice`);
    sources.push(source);
  };
  return {
    addFolder: ({ kind = 'plugin', ...options }) => add(yamlFolderSource({ ...options, kind })),
    addPortainerFile: (options) => add(portainerFileSource(options)),
    addDefinitions: ({ kind = 'plugin', ...options }) => add(inlineSource({ ...options, kind })),
    addCatalog: add,
    addStore: ({ id, ...options }) => add(storeSource({ ...options, ...(id ? { id: id.replace(/^store:/, '') } : {}) })),
  };
}
