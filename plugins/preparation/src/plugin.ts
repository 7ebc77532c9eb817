import path from 'node:path';
import { definePlugin, definePluginModule, KernelTokens } from '@tomo/kernel';
import { SERVER_DETAIL_TABS_SLOT, ServersTokens, serversHooks } from '@tomo/plugin-servers/api';
import { preparationConfigSchema } from './config';
import { PreparationLogEntity } from './entities/preparation-log.entity';
import { PreparationEntity } from './entities/preparation.entity';
import { preparationOsPreparersExtensionPoint } from './extension-points';
import { getPreparationLogTool, getPreparationStatusTool, prepareServerTool, retryPreparationTool } from './mcp/preparation-tools';
import { PreparationInitial1763900200000 } from './migrations/1763900200000-preparation-initial';
import { PreparationCompose1765200000000 } from './migrations/1765200000000-preparation-compose';
import { PreparationOperatorInstance1766420000000 } from './migrations/1766420000000-preparation-operator-instance';
import type { OsPreparer } from './preparer-types';
import { builtInPreparers } from './preparers';
import { registerPreparationRoutes } from './routes/preparation.routes';
import { PreparationLog } from './services/preparation-log';
import { relayPreparationsAcrossInstances } from './services/preparation-relay';
import { PreparationService } from './services/preparation-service';
import { PreparationTokens } from './tokens';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** Server preparation: OS preparers as an extension point, tracked and resumable runs. */
export const preparationPlugin = definePlugin({
  id: 'preparation',
  version,
  description: 'Prepares servers for apps: detects the OS, installs and verifies Docker',
  dependsOn: ['servers'],
  config: preparationConfigSchema,
  deps: { servers: ServersTokens.ServerService, cluster: KernelTokens.Cluster },
  entities: [PreparationEntity, PreparationLogEntity],
  migrations: [PreparationInitial1763900200000, PreparationCompose1765200000000, PreparationOperatorInstance1766420000000],
  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    slots: { [SERVER_DETAIL_TABS_SLOT]: [{ id: 'preparation', component: 'PreparationTab', title: 'Preparation', order: 10 }] },
  },

  register(ctx) {
    // Filled by modules through the extension point before init, which gets it back from here.
    const preparers: OsPreparer[] = [];
    ctx.registerExtensionPoint(preparationOsPreparersExtensionPoint, {
      addPreparer(preparer: OsPreparer) {
        if (preparers.some((p) => p.id === preparer.id)) throw new Error(`OS preparer "${preparer.id}" is added twice`);
        preparers.push(preparer);
      },
    });
    return { preparers };
  },

  init(ctx, { servers, cluster }, { preparers }) {
    const log = new PreparationLog(ctx.dataSource);
    const service = new PreparationService(ctx.dataSource, servers, preparers, log, ctx.hooks, ctx.logger, ctx.config, cluster);
    ctx.onShutdown(relayPreparationsAcrossInstances(cluster, log, (serverId) => service.currentView(serverId), ctx.logger));
    ctx.expose(PreparationTokens.PreparationService, { useValue: service });
    ctx.hooks.of(serversHooks).serverDeleting.tapPromise('preparation', ({ server }) => service.forgetServer(server.id));
    registerPreparationRoutes(ctx, service, log);
    ctx.mcp.tool(prepareServerTool(service));
    ctx.mcp.tool(getPreparationStatusTool(service));
    ctx.mcp.tool(getPreparationLogTool(service));
    ctx.mcp.tool(retryPreparationTool(service));

    ctx.onReady(async () => {
      const interrupted = await service.markInterrupted();
      if (interrupted) ctx.logger.warn(`${interrupted} preparation(s) were cut off by a restart and are marked failed; retry them`);
      if (cluster.shared) {
        // Several instances: one may die in the middle of a preparation while the others run on.
        // The leader looks every minute for runs whose instance is gone, as a start does.
        const sweep = setInterval(() => {
          if (!cluster.isLeader()) return;
          service
            .markInterrupted()
            .then((cut) => cut && ctx.logger.warn(`${cut} preparation(s) of an instance that is gone are marked failed; retry them`))
            .catch((err: Error) => ctx.logger.warn({ err: err.message }, 'Looking for preparations of instances that are gone failed'));
        }, ORPHAN_SWEEP_MS);
        sweep.unref();
        ctx.onShutdown(() => clearInterval(sweep));
      }
    });
    ctx.onShutdown(() => service.drain(5000));
  },
});

/** How often the leader looks for preparations left by an instance that died (several instances only). */
const ORPHAN_SWEEP_MS = 60_000;

/**
 * The built-in Debian-family and RHEL-family preparers, added through the public extension
 * point exactly as a third-party package adds its own.
 */
export const builtInPreparersModule = definePluginModule({
  id: 'preparation-builtin-preparers',
  targetPlugin: 'preparation',
  version,
  register(ctx) {
    const point = ctx.getExtensionPoint(preparationOsPreparersExtensionPoint);
    for (const preparer of builtInPreparers) point.addPreparer(preparer);
  },
});

export { preparationBackupTablesModule } from './backup-tables';

export default preparationPlugin;
