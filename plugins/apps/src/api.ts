/**
 * The apps plugin's contract: what other plugins may import. The `apps.catalogs` extension point
 * and the plain options and types it takes, the service interface and its views, the token to
 * resolve it by, the hook set, and how an MCP tool names one installation (its arguments and
 * their resolution). No class, no entity, no loader: implementations import `hooks.ts` /
 * `tokens.ts` / `extension-points.ts`, never this file.
 */
export type { AppDefinition, AppPort, AppVolume, AppEnvVar, AppHealthcheck, AppHostAccess, AppSecurity } from './catalog/definition-types';
export type { CatalogEntry, CatalogLoadResult, CatalogSource, CatalogSourceInfo, CatalogSourceKind, LoadedApp } from './catalog/catalog-types';
export type {
  AppCatalogsExtension,
  CatalogDefinitionsOptions,
  CatalogFolderOptions,
  CatalogPortainerFileOptions,
  CatalogSourceOptions,
} from './extension-points';
export type { AppsApi } from './apps-api';
export type { ContainerShell, ContainerShellTarget } from './terminal/container-shell-types';
export type { InstallationTargetArgs } from './mcp/installation-target';
export type * from './views';
export { appsCatalogsExtensionPoint } from './extension-points';
export { AppsTokens } from './tokens';
export { appsHooks } from './hooks';
/** The `installation_id` or `server_id` + `app_id` arguments of a tool acting on one installation, and their resolution. */
export { installationTargetFields, INSTALLATION_TARGET_HELP, resolveInstallationTarget } from './mcp/installation-target';
