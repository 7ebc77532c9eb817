import path from 'node:path';
import { ConfigError, definePlugin, definePluginModule, KernelTokens } from '@tomo/kernel';
import { PreparationTokens } from '@tomo/plugin-preparation/api';
import { SERVER_DETAIL_TABS_SLOT, ServersTokens, serversHooks } from '@tomo/plugin-servers/api';
import type { CatalogSource } from './catalog/catalog-types';
import { catalogsExtension } from './catalog/catalogs-extension';
import { configuredStoreEntries, extraCatalogEntries } from './catalog/extra-catalogs';
import { storeSource } from './catalog/stores/store-readers';
import { appsConfigSchema } from './config';
import { InstallationEntity } from './entities/installation.entity';
import { appsCatalogsExtensionPoint } from './extension-points';
import { LogsService } from './logs/logs-service';
import { getAppLogsTool } from './mcp/logs-tool';
import { getAppDefinitionTool, getInstalledAppsTool, installAppTool, listCatalogTool, startStopAppTool, uninstallAppTool } from './mcp/apps-tools';
import { AppsInitial1764400000000 } from './migrations/1764400000000-apps-initial';
import { AppsDeployment1765260000000 } from './migrations/1765260000000-apps-deployment';
import { AppsUpdates1765300000000 } from './migrations/1765300000000-apps-updates';
import { AppsOperatorInstance1766410000000 } from './migrations/1766410000000-apps-operator-instance';
import { checkAppUpdatesTool, rollbackAppTool, updateAppTool } from './mcp/updates-tools';
import { registerUpdatesRoutes } from './routes/updates.routes';
import { UpdatesService } from './updates/updates-service';
import { registerAppsRoutes } from './routes/apps.routes';
import { registerLogsRoutes } from './routes/logs.routes';
import { AppsService } from './services/apps-service';
import { CatalogService, configuredSources } from './services/catalog-service';
import { EngineAccess } from './services/engine-access';
import { AppsTokens } from './tokens';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** Where Tomo's own catalog lives: `catalog/` at the top of the installation (repository or RPM). */
export const BUILTIN_CATALOG_DIR = path.resolve(__dirname, '..', '..', '..', 'catalog');

/** App catalog and installs: the catalog from every source, installs through the Docker API over SSH. */
export const appsPlugin = definePlugin({
  id: 'apps',
  version,
  description: 'App catalog and installs on prepared servers through the Docker Engine API over SSH',
  dependsOn: ['servers', 'preparation'],
  config: appsConfigSchema,
  deps: { servers: ServersTokens.ServerService, preparation: PreparationTokens.PreparationService, vault: KernelTokens.Vault, cluster: KernelTokens.Cluster },
  configSections: ['catalog'],
  entities: [InstallationEntity],
  migrations: [AppsInitial1764400000000, AppsDeployment1765260000000, AppsUpdates1765300000000, AppsOperatorInstance1766410000000],
  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    routes: [{ path: '/apps', component: 'CatalogPage', title: 'Apps' }],
    nav: [{ label: 'Apps', path: '/apps', icon: 'apps', order: 20 }],
    slots: { [SERVER_DETAIL_TABS_SLOT]: [{ id: 'apps', component: 'ServerAppsTab', title: 'Apps', order: 20 }] },
  },

  register(ctx) {
    // Filled by modules through the extension point before init, which gets it back from here.
    const sources: CatalogSource[] = [];
    ctx.registerExtensionPoint(appsCatalogsExtensionPoint, catalogsExtension(sources));
    return { sources };
  },

  async init(ctx, { servers, preparation, vault, cluster }, registered) {
    const extra = extraCatalogEntries(ctx.kernelConfig.sections.catalog);
    const stores = configuredStoreEntries(ctx.kernelConfig.sections.catalog).map((store, i) => {
      try {
        return storeSource(store);
      } catch (err) {
        throw new ConfigError(`Invalid configuration: catalog.stores.${i}.format: ${(err as Error).message}`, `catalog.stores.${i}.format`);
      }
    });
    const sources = [...registered.sources, ...configuredSources(extra), ...stores];
    const catalog = new CatalogService(sources, ctx.logger.child({ component: 'catalog' }));
    // The catalog loads when something first reads it (readers wait for that load): see CatalogService.load.
    const engine = new EngineAccess(ctx.config.dockerTimeoutMs);
    const apps = new AppsService(
      ctx.dataSource,
      servers,
      preparation,
      catalog,
      engine,
      vault,
      ctx.hooks,
      ctx.logger,
      ctx.config,
      cluster,
    );
    ctx.expose(AppsTokens.AppsService, { useValue: apps });
    ctx.hooks.of(serversHooks).serverDeleting.tapPromise('apps', ({ server }) => apps.forgetServer(server.id));
    registerAppsRoutes(ctx, apps, catalog);
    ctx.mcp.tool(listCatalogTool(catalog));
    ctx.mcp.tool(getAppDefinitionTool(catalog));
    ctx.mcp.tool(installAppTool(apps));
    ctx.mcp.tool(getInstalledAppsTool(apps));
    ctx.mcp.tool(startStopAppTool(apps, 'start'));
    ctx.mcp.tool(startStopAppTool(apps, 'stop'));
    ctx.mcp.tool(uninstallAppTool(apps));
    const updates = new UpdatesService(apps, servers, catalog, engine, vault, ctx.hooks, ctx.logger.child({ component: 'updates' }), ctx.config);
    registerUpdatesRoutes(ctx, updates);
    ctx.mcp.tool(checkAppUpdatesTool(apps, updates));
    ctx.mcp.tool(updateAppTool(apps, updates));
    ctx.mcp.tool(rollbackAppTool(apps, updates));
    const logs = new LogsService(ctx.dataSource, servers, engine, vault);
    registerLogsRoutes(ctx, logs);
    ctx.mcp.tool(getAppLogsTool(logs, apps));

    let stopChecks = () => {};
    ctx.onReady(async () => {
      const interrupted = await apps.markInterrupted();
      if (interrupted) ctx.logger.warn(`${interrupted} app install(s) or uninstall(s) were cut off by a restart and are marked failed`);
      const cut = await updates.markInterrupted();
      if (cut) ctx.logger.warn(`${cut} app update(s) or rollback(s) were cut off by a restart and are marked failed`);
      if (cluster.shared) {
        // Several instances: one may die in the middle of an operation while the others run on.
        // The leader looks every minute for operations whose instance is gone, as a start does.
        const sweep = setInterval(() => {
          if (!cluster.isLeader()) return;
          void Promise.all([apps.markInterrupted(), updates.markInterrupted()])
            .then(([a, u]) => {
              if (a + u) ctx.logger.warn(`${a + u} app operation(s) of an instance that is gone are marked failed`);
            })
            .catch((err: Error) => ctx.logger.warn({ err: err.message }, 'Looking for app operations of instances that are gone failed'));
        }, ORPHAN_SWEEP_MS);
        sweep.unref();
        ctx.onShutdown(() => clearInterval(sweep));
      }
      const minutes = ctx.config.updateCheckIntervalMinutes;
      if (minutes > 0) {
        // Periodic update checks; one at a time (a slow server delays the next round, it never overlaps).
        let running = false;
        // Several instances on one database: only the leader checks.
        const timer = setInterval(() => {
          if (running || !cluster.isLeader()) return;
          running = true;
          void updates.checkAll().catch((err: Error) => ctx.logger.warn({ err: err.message }, 'Periodic update check failed')).finally(() => (running = false));
        }, minutes * 60_000);
        timer.unref();
        stopChecks = () => clearInterval(timer);
      }
    });
    ctx.onShutdown(() => stopChecks());
    ctx.onShutdown(() => apps.drain(5000));
  },
});

/** How often the leader looks for app operations left by an instance that died (several instances only). */
const ORPHAN_SWEEP_MS = 60_000;

/** Tomo's own catalog (`catalog/`), added through the public extension point exactly as a plugin adds one. */
export const builtInCatalogModule = definePluginModule({
  id: 'apps-builtin-catalog',
  targetPlugin: 'apps',
  version,
  register(ctx) {
    ctx.getExtensionPoint(appsCatalogsExtensionPoint).addFolder({ dir: BUILTIN_CATALOG_DIR, kind: 'builtin' });
  },
});

export { appsBackupTablesModule } from './backup-tables';

export default appsPlugin;
