/**
 * What other plugins may use from the apps plugin: the `apps.catalogs` extension point (add a
 * catalog of app definitions), the catalog source builders, its service, hooks and types.
 */
import { AsyncSeriesHook } from 'tapable';
import { createExtensionPoint, createServiceToken, defineHookSet, type CallContext } from '@tomo/kernel';
import type { CatalogSource } from './catalog/catalog-registry';
import type { AppsService } from './services/apps-service';
import type { InstallationView } from './views';

export type { AppDefinition, AppPort, AppVolume, AppEnvVar, AppHealthcheck, AppHostAccess, AppSecurity } from './catalog/definition-schema';
export type { CatalogSource, CatalogSourceKind, CatalogEntry } from './catalog/catalog-registry';
export type { CatalogLoadResult } from './catalog/load-yaml-catalog';
export { yamlFolderSource, portainerFileSource, inlineSource } from './catalog/catalog-registry';
export type { AppsService } from './services/apps-service';
export * from './views';

/** What a plugin gets from the `apps.catalogs` extension point. */
export interface AppCatalogsExtension {
  /**
   * Adds a catalog. Plugins' catalogs (kind `plugin`) override the built-in one for the same app id
   * and are overridden by the admin's folders; see docs/catalog-format.md for the precedence.
   */
  addCatalog(source: CatalogSource): void;
}

/** Add a catalog: `ctx.getExtensionPoint(appsCatalogsExtensionPoint).addCatalog(yamlFolderSource({ dir, kind: 'plugin', id: 'plugin:my-pack' }))`. */
export const appsCatalogsExtensionPoint = createExtensionPoint<AppCatalogsExtension>({ id: 'apps.catalogs' });

export const AppsTokens = Object.freeze({
  AppsService: createServiceToken<AppsService>('apps.AppsService'),
});

/** Events of the apps plugin (`call` says who, and through which door). None carries a secret value. */
export const appsHooks = defineHookSet('apps', () => ({
  /** An install finished: `installation.state` is `running`, or `failed` with `error`. */
  installFinished: new AsyncSeriesHook<[{ installation: InstallationView; call: CallContext }]>(['event']),
  appStarted: new AsyncSeriesHook<[{ installation: InstallationView; call: CallContext }]>(['event']),
  appStopped: new AsyncSeriesHook<[{ installation: InstallationView; call: CallContext }]>(['event']),
  appUninstalled: new AsyncSeriesHook<[{ installation: InstallationView; dataDeleted: boolean; call: CallContext }]>(['event']),
  /** The catalog was (re)loaded. */
  catalogReloaded: new AsyncSeriesHook<[{ apps: number; errors: number }]>(['event']),
}));
