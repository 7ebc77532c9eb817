/**
 * The plain types of a catalog source, shared by the registry and the `apps.catalogs` contract.
 * Types only, so the contract does not pull the loaders in.
 */
import type { AppDefinition } from './definition-types';
import type { CatalogIssue } from './issues';
import type { StoreInfo } from './stores/store-types';

/** Where an app imported from a community store (CasaOS, Runtipi, Umbrel) comes from, and what Tomo did not honour. */
export interface ImportedFrom {
  /** The store, with its licence and attribution (shown with the app). */
  store: StoreInfo;
  /** The app's id in its store. */
  storeAppId: string;
  /** Why the app cannot be installed, when it cannot: it is listed, and an install is refused with this reason. */
  unavailable?: string;
  /** Every field of the store's app not honoured (see docs/catalog-format.md, "App stores"). */
  refusals: Array<{ field: string; reason: string }>;
}

/** Where a source ranks: `import` < `builtin` < `plugin` < `folder` (see catalog-registry.ts). */
export type CatalogSourceKind = 'import' | 'builtin' | 'plugin' | 'folder';

/** A valid definition and where it came from. */
export interface LoadedApp {
  definition: AppDefinition;
  /** The file it was read from. */
  file: string;
  /** Where in the file, for files holding several apps (e.g. `templates.3` of a Portainer file). */
  entry?: string;
  /** Set for an app imported from a community store. */
  imported?: ImportedFrom;
}

/** What loading a catalog gives: the valid apps, and everything that was wrong or skipped. Never thrown. */
export interface CatalogLoadResult {
  apps: LoadedApp[];
  /** Problems that kept a definition (or a whole file) out of the catalog. */
  errors: CatalogIssue[];
  /** Problems worth fixing that did not keep anything out. */
  warnings: CatalogIssue[];
  /** Entries deliberately left out, with the reason (e.g. Portainer stack templates). */
  skipped: CatalogIssue[];
}

/** Where apps come from: a folder, a template file, a plugin. `load` must not throw (if it does, the error is reported). */
export interface CatalogSource {
  /** Unique among the registry's sources, e.g. `builtin`, `folder:/srv/tomo/apps`, `plugin:media-pack`. */
  id: string;
  /** Shown to admins (catalog status page). */
  label: string;
  kind: CatalogSourceKind;
  load(): Promise<CatalogLoadResult>;
}

/** Public description of a source. */
export interface CatalogSourceInfo {
  id: string;
  label: string;
  kind: CatalogSourceKind;
}

/** An app of the merged catalog and where its definition comes from. */
export interface CatalogEntry {
  definition: AppDefinition;
  source: CatalogSourceInfo;
  /** File of the definition. */
  file: string;
  /** Place in the file, for multi-app files (Portainer `templates.3`). */
  entry?: string;
  /** Set for an app imported from a community store. */
  imported?: ImportedFrom;
}
