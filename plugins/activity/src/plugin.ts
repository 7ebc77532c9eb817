import path from 'node:path';
import { definePlugin, KernelTokens } from '@tomo/kernel';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { ActivityLogService } from './activity-log';
import { activityConfigSchema } from './config';
import { ActivityEntryEntity } from './entities/activity-entry.entity';
import { getActivityLogsTool } from './mcp/get-activity-logs.tool';
import { ActivityLog1765100000000 } from './migrations/1765100000000-activity-log';
import { tapActivityHooks } from './recorders';
import { startRetention } from './retention';
import { registerActivityRoutes } from './routes/activity.routes';
import { ActivityTokens } from './tokens';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** The activity log: who did what, to what, through which door; fed by the other plugins' hooks. */
export const activityPlugin = definePlugin({
  id: 'activity',
  version,
  description: 'Activity log of user actions and system events, fed by the other plugins\' hooks',
  // Every plugin whose hooks it taps (so their hooks exist when it taps them); it also reads
  // users and servers (auth, servers) to name what an entry is about.
  dependsOn: ['auth', 'servers', 'preparation', 'apps', 'backup', 'monitoring'],
  config: activityConfigSchema,
  deps: { clock: KernelTokens.Clock, cluster: KernelTokens.Cluster, servers: ServersTokens.ServerService, users: AuthTokens.UserService },
  entities: [ActivityEntryEntity],
  migrations: [ActivityLog1765100000000],

  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    routes: [
      { path: '/activity', component: 'ActivityPage', title: 'Activity' },
      // The page's address until the log left the monitoring plugin: bookmarks keep working.
      { path: '/logs', component: 'LogsRedirect', title: 'Activity' },
    ],
    nav: [{ label: 'Activity', path: '/activity', icon: 'activity', order: 30 }],
    widgets: [{ id: 'recent-activity', component: 'ActivityWidget', title: 'Recent activity', order: 14 }],
  },

  init(ctx, { clock, cluster, servers, users }) {
    const log = new ActivityLogService(ctx.dataSource, clock, ctx.logger);
    ctx.expose(ActivityTokens.ActivityLog, { useValue: log });
    tapActivityHooks({ hooks: ctx.hooks, log, servers, users, logger: ctx.logger });
    registerActivityRoutes(ctx, log);
    ctx.mcp.tool(getActivityLogsTool(log));
    ctx.onReady(async () => ctx.onShutdown(await startRetention(log, ctx.config.retentionDays, ctx.logger, () => cluster.isLeader())));
  },
});

export { activityBackupTablesModule } from './backup-tables';

export default activityPlugin;
