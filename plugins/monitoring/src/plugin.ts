import { definePlugin, KernelTokens } from '@tomo/kernel';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { ServersTokens, serversHooks } from '@tomo/plugin-servers/api';
import { ActivityLog } from './activity/activity-log';
import { tapActivityHooks } from './activity/recorders';
import { MonitoringTokens } from './api';
import { monitoringConfigSchema, type MonitoringConfig } from './config';
import { ActivityEntryEntity } from './entities/activity-entry.entity';
import { MetricSampleEntity } from './entities/metric-sample.entity';
import { getActivityLogsTool } from './mcp/activity-tools';
import { getDashboardSummaryTool, getServerMetricsTool } from './mcp/metrics-tools';
import { MetricsService } from './metrics/metrics-service';
import { Poller } from './metrics/poller';
import { MonitoringInitial1764900000000 } from './migrations/1764900000000-monitoring-initial';
import { MonitoringMetrics1764900100000 } from './migrations/1764900100000-monitoring-metrics';
import { registerLogRoutes } from './routes/logs.routes';
import { registerMetricsRoutes } from './routes/metrics.routes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

const LOG = 'monitoring.ActivityLog';
const METRICS = 'monitoring.Metrics';
const POLLER = 'monitoring.Poller';
const RETENTION_TIMER = 'monitoring.RetentionTimer';
const DAY_MS = 24 * 3600 * 1000;

/** Activity log of every action and system event; server metrics from a poller over SSH. */
export const monitoringPlugin = definePlugin<MonitoringConfig>({
  id: 'monitoring',
  version,
  description: 'Activity log of user actions and system events; server metrics polled over SSH',
  // It taps the hooks of all four, and reads servers and users to name what an entry is about.
  dependsOn: ['auth', 'servers', 'preparation', 'apps'],
  config: monitoringConfigSchema,
  entities: [ActivityEntryEntity, MetricSampleEntity],
  migrations: [MonitoringInitial1764900000000, MonitoringMetrics1764900100000],

  init(ctx) {
    const clock = ctx.resolve(KernelTokens.Clock);
    const servers = ctx.resolve(ServersTokens.ServerService);
    const log = new ActivityLog(ctx.dataSource, clock, ctx.logger);
    const poller = new Poller(ctx.dataSource, servers, log, clock, ctx.logger.child({ component: 'poller' }), {
      intervalSeconds: ctx.config.intervalSeconds,
      maxConcurrentPolls: ctx.config.maxConcurrentPolls,
      offlineAfterFailures: 3,
    });
    const metrics = new MetricsService(ctx.dataSource, servers, clock, (id) => poller.state(id));
    ctx.container.register(LOG, { useValue: log });
    ctx.container.register(METRICS, { useValue: metrics });
    ctx.container.register(POLLER, { useValue: poller });
    ctx.expose(MonitoringTokens.ActivityLog, { useValue: log });
    tapActivityHooks({ hooks: ctx.hooks, log, servers, users: ctx.resolve(AuthTokens.UserService), logger: ctx.logger });
    ctx.hooks.of(serversHooks).serverDeleting.tapPromise('monitoring', async ({ server }) => {
      poller.forget(server.id);
      await metrics.forgetServer(server.id);
    });
    registerLogRoutes(ctx, log);
    registerMetricsRoutes(ctx, metrics);
    ctx.mcp.tool(getActivityLogsTool(log));
    ctx.mcp.tool(getServerMetricsTool(metrics));
    ctx.mcp.tool(getDashboardSummaryTool(metrics));
  },

  async ready(ctx) {
    const log = ctx.container.resolve<ActivityLog>(LOG);
    const metrics = ctx.container.resolve<MetricsService>(METRICS);
    const prune = async () => {
      const removed = await log.prune(ctx.config.activityRetentionDays).catch((err: Error) => {
        ctx.logger.error({ err }, 'Activity log retention failed');
        return 0;
      });
      if (removed) ctx.logger.info(`Activity log: ${removed} entr${removed === 1 ? 'y' : 'ies'} older than ${ctx.config.activityRetentionDays} days removed`);
      await metrics.prune(ctx.config.metricsRetentionDays).catch((err: Error) => ctx.logger.error({ err }, 'Metrics retention failed'));
    };
    await prune();
    const timer = setInterval(() => void prune(), DAY_MS);
    timer.unref();
    ctx.container.register(RETENTION_TIMER, { useValue: timer });
    ctx.container.resolve<Poller>(POLLER).start();
  },

  async shutdown(ctx) {
    if (ctx.container.isRegistered(RETENTION_TIMER)) clearInterval(ctx.container.resolve<NodeJS.Timeout>(RETENTION_TIMER));
    await ctx.container.resolve<Poller>(POLLER).stop();
  },
});

export default monitoringPlugin;
