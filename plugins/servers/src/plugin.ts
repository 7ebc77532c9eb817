import path from 'node:path';
import { definePlugin, KernelTokens } from '@tomo/kernel';
import { serversConfigSchema } from './config';
import { ServerEntity } from './entities/server.entity';
import { acceptHostKeyTool, addServerTool, deleteServerTool, getServerTool, listServersTool, testConnectionTool, updateServerTool } from './mcp/server-tools';
import { ServersInitial1763900100000 } from './migrations/1763900100000-servers-initial';
import { registerServerRoutes } from './routes/servers.routes';
import { ServerService } from './services/server-service';
import { SshConnectionPool } from './services/ssh-connection-pool';
import { registerSshMetrics } from './services/ssh-metrics';
import { ServersTokens } from './tokens';
import { serversDoctor } from './doctor';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** Servers over SSH: encrypted credentials, host-key trust, a pooled connection per server. */
export const serversPlugin = definePlugin({
  id: 'servers',
  version,
  description: 'Servers reached over SSH: encrypted credentials, host-key trust, pooled connections',
  dependsOn: ['auth'],
  config: serversConfigSchema,
  deps: { vault: KernelTokens.Vault },
  entities: [ServerEntity],
  migrations: [ServersInitial1763900100000],
  doctor: serversDoctor,
  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    routes: [
      { path: '/servers', component: 'ServersPage', title: 'Servers' },
      { path: '/servers/:id', component: 'ServerDetailPage', title: 'Server' },
    ],
    nav: [{ label: 'Servers', path: '/servers', icon: 'server', order: 10 }],
  },

  init(ctx, { vault }) {
    // The open-connections gauge reads the pool's size when Prometheus scrapes.
    const pool: SshConnectionPool = new SshConnectionPool(ctx.config.ssh, ctx.logger.child({ component: 'ssh' }), registerSshMetrics(ctx.metrics, () => pool.size));
    ctx.onShutdown(() => pool.closeAll());
    const servers = new ServerService(ctx.dataSource, vault, pool, ctx.hooks);
    ctx.expose(ServersTokens.ServerService, { useValue: servers });

    registerServerRoutes(ctx, servers);
    ctx.mcp.tool(addServerTool(servers));
    ctx.mcp.tool(testConnectionTool(servers));
    ctx.mcp.tool(listServersTool(servers));
    ctx.mcp.tool(getServerTool(servers));
    ctx.mcp.tool(updateServerTool(servers));
    ctx.mcp.tool(deleteServerTool(servers));
    ctx.mcp.tool(acceptHostKeyTool(servers));
  },
});

export { serversBackupTablesModule } from './backup-tables';

export default serversPlugin;
