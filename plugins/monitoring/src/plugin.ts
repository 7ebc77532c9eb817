import { definePlugin, KernelTokens } from '@tomo/kernel';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { ActivityLog } from './activity/activity-log';
import { tapActivityHooks } from './activity/recorders';
import { MonitoringTokens } from './api';
import { monitoringConfigSchema, type MonitoringConfig } from './config';
import { ActivityEntryEntity } from './entities/activity-entry.entity';
import { getActivityLogsTool } from './mcp/activity-tools';
import { MonitoringInitial1764900000000 } from './migrations/1764900000000-monitoring-initial';
import { registerLogRoutes } from './routes/logs.routes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

const LOG = 'monitoring.ActivityLog';
const RETENTION_TIMER = 'monitoring.RetentionTimer';
const DAY_MS = 24 * 3600 * 1000;

/** Activity log: every user action and system event the other plugins report, read-only over HTTP and MCP. */
export const monitoringPlugin = definePlugin<MonitoringConfig>({
  id: 'monitoring',
  version,
  description: 'Activity log of user actions and system events (who, what, which door, result)',
  // It taps the hooks of all four, and reads servers and users to name what an entry is about.
  dependsOn: ['auth', 'servers', 'preparation', 'apps'],
  config: monitoringConfigSchema,
  entities: [ActivityEntryEntity],
  migrations: [MonitoringInitial1764900000000],

  init(ctx) {
    const log = new ActivityLog(ctx.dataSource, ctx.resolve(KernelTokens.Clock), ctx.logger);
    ctx.container.register(LOG, { useValue: log });
    ctx.expose(MonitoringTokens.ActivityLog, { useValue: log });
    tapActivityHooks({ hooks: ctx.hooks, log, servers: ctx.resolve(ServersTokens.ServerService), users: ctx.resolve(AuthTokens.UserService), logger: ctx.logger });
    registerLogRoutes(ctx, log);
    ctx.mcp.tool(getActivityLogsTool(log));
  },

  async ready(ctx) {
    const log = ctx.container.resolve<ActivityLog>(LOG);
    const prune = async () => {
      const removed = await log.prune(ctx.config.activityRetentionDays).catch((err: Error) => {
        ctx.logger.error({ err }, 'Activity log retention failed');
        return 0;
      });
      if (removed) ctx.logger.info(`Activity log: ${removed} entr${removed === 1 ? 'y' : 'ies'} older than ${ctx.config.activityRetentionDays} days removed`);
    };
    await prune();
    const timer = setInterval(() => void prune(), DAY_MS);
    timer.unref();
    ctx.container.register(RETENTION_TIMER, { useValue: timer });
  },

  shutdown(ctx) {
    if (ctx.container.isRegistered(RETENTION_TIMER)) clearInterval(ctx.container.resolve<NodeJS.Timeout>(RETENTION_TIMER));
  },
});

export default monitoringPlugin;
