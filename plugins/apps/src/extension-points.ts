/**
 * The `apps.catalogs` extension point: how the built-in catalog and plugins' catalogs are added.
 * Its methods take plain options; the apps plugin builds the loaders behind them, so a plugin
 * needs nothing from the apps plugin but this contract.
 */
import { createExtensionPoint } from '@tomo/kernel';
import type { CatalogSource, CatalogSourceKind } from './catalog/catalog-types';
import type { StoreFormat } from './catalog/stores/store-types';

/** Name and rank of a catalog added through the extension point. */
export interface CatalogSourceOptions {
  /** Unique among the catalogs, e.g. `plugin:media-pack` (default: derived from the kind and the path). */
  id?: string;
  /** Shown to admins on the catalog status page (default: the path). */
  label?: string;
  /** Its precedence (docs/catalog-format.md); a plugin's catalog is `plugin` (the default). */
  kind?: CatalogSourceKind;
}

/** A folder of YAML definitions, one app per file (docs/catalog-format.md). */
export interface CatalogFolderOptions extends CatalogSourceOptions {
  dir: string;
  /** Every absolute host path must be declared in `hostAccess.hostPaths` (default false). */
  strictHostPaths?: boolean;
}

/** A Portainer app-templates v2 JSON file, read as it is; its kind defaults to `import`. */
export interface CatalogPortainerFileOptions extends CatalogSourceOptions {
  file: string;
  /** Largest file read (default 5 MiB). */
  maxFileBytes?: number;
}

/** Definitions built in code: `definitions()` is called on every load, so they may change between reloads. */
export interface CatalogDefinitionsOptions extends CatalogSourceOptions {
  id: string;
  definitions: () => ReadonlyArray<unknown> | Promise<ReadonlyArray<unknown>>;
  /** As for a folder. */
  strictHostPaths?: boolean;
}

/** A community app store (CasaOS, Runtipi, Umbrel) laid out as its project publishes it; its kind defaults to `import`. */
export interface CatalogStoreOptions extends CatalogSourceOptions {
  format: StoreFormat;
  dir: string;
  /** Display name (default e.g. "CasaOS app store"). */
  name?: string;
  /** The store's licence (default: read from its LICENSE file). */
  licence?: string;
  attribution?: string;
}

/**
 * What a plugin gets from the `apps.catalogs` extension point. Plugins' catalogs (kind `plugin`)
 * override the built-in one for the same app id and are overridden by the admin's folders; see
 * docs/catalog-format.md for the precedence. Adding two catalogs with one id throws.
 */
export interface AppCatalogsExtension {
  addFolder(options: CatalogFolderOptions): void;
  addPortainerFile(options: CatalogPortainerFileOptions): void;
  addDefinitions(options: CatalogDefinitionsOptions): void;
  /** A catalog with a loader of its own. */
  addCatalog(source: CatalogSource): void;
  /** A community app store (docs/catalog-format.md, "App stores"); throws for a format Tomo does not read. */
  addStore(options: CatalogStoreOptions): void;
}

/** Add a catalog: `ctx.getExtensionPoint(appsCatalogsExtensionPoint).addFolder({ dir, id: 'plugin:my-pack' })`. */
export const appsCatalogsExtensionPoint = createExtensionPoint<AppCatalogsExtension>({ id: 'apps.catalogs' });
