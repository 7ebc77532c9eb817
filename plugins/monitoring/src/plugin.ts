import path from 'node:path';
import { definePlugin, KernelTokens, type Cluster, type PluginContext } from '@tomo/kernel';
import { AppsTokens } from '@tomo/plugin-apps/api';
import { SERVER_DETAIL_TABS_SLOT, ServersTokens, serversHooks } from '@tomo/plugin-servers/api';
import { hookAnnouncer } from './announcer';
import { monitoringConfigSchema, type MonitoringConfig } from './config';
import { ContainerRollupEntity } from './entities/container-rollup.entity';
import { ContainerSampleEntity } from './entities/container-sample.entity';
import { ContainerSeriesEntity } from './entities/container-series.entity';
import { MetricRollupEntity } from './entities/metric-rollup.entity';
import { MetricSampleEntity } from './entities/metric-sample.entity';
import { MetricSeriesEntity } from './entities/metric-series.entity';
import { RollupWatermarkEntity } from './entities/rollup-watermark.entity';
import { getAppMetricsTool, getDashboardSummaryTool, getServerMetricsTool } from './mcp/metrics-tools';
import { ContainerMetrics } from './metrics/container-metrics';
import { ContainerWatch } from './metrics/container-watch';
import { LatestSamples } from './metrics/latest-samples';
import { MetricsService } from './metrics/metrics-service';
import { registerPollMetrics } from './metrics/poll-metrics';
import { Poller } from './metrics/poller';
import { Rollups } from './metrics/rollups';
import { SeriesKeys } from './metrics/series-keys';
import { MonitoringInitial1764900000000 } from './migrations/1764900000000-monitoring-initial';
import { MonitoringMetrics1764900100000 } from './migrations/1764900100000-monitoring-metrics';
import { MonitoringRollups1764900200000 } from './migrations/1764900200000-monitoring-rollups';
import { MonitoringContainers1764900300000 } from './migrations/1764900300000-monitoring-containers';
import { MonitoringContainerRollups1764900400000 } from './migrations/1764900400000-monitoring-container-rollups';
import { MonitoringSeriesKeys1764900500000 } from './migrations/1764900500000-monitoring-series-keys';
import { registerMetricsRoutes } from './routes/metrics.routes';
import { sharePolls } from './metrics/poll-sharing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * Retention runs hourly, not daily: the raw samples are most of what it removes, and the space
 * it frees is reused by the next samples, so the database holds the kept hours plus one more
 * rather than plus a day (at 200 servers polled every 30 s, a day of raw samples is ~60 MiB).
 */
const RETENTION_INTERVAL_MS = 3600 * 1000;
const ROLLUP_INTERVAL_MS = 60 * 1000;

/** Server and app metrics from a poller over SSH; announces servers going offline and apps crashing. */
export const monitoringPlugin = definePlugin({
  id: 'monitoring',
  version,
  description: 'Server and app metrics polled over SSH; offline servers and crashed apps announced as events',
  // It polls servers and reads the apps installed on them; the activity log taps its hooks.
  dependsOn: ['servers', 'apps'],
  config: monitoringConfigSchema,
  deps: { clock: KernelTokens.Clock, cluster: KernelTokens.Cluster, servers: ServersTokens.ServerService, apps: AppsTokens.AppsService },
  entities: [MetricSeriesEntity, ContainerSeriesEntity, MetricSampleEntity, ContainerSampleEntity, MetricRollupEntity, RollupWatermarkEntity, ContainerRollupEntity],
  migrations: [
    MonitoringInitial1764900000000,
    MonitoringMetrics1764900100000,
    MonitoringRollups1764900200000,
    MonitoringContainers1764900300000,
    MonitoringContainerRollups1764900400000,
    MonitoringSeriesKeys1764900500000,
  ],

  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    widgets: [
      { id: 'fleet', component: 'FleetWidget', title: 'Fleet', order: 10 },
      { id: 'server-health', component: 'ServerHealthWidget', title: 'Server health', order: 12 },
    ],
    slots: { [SERVER_DETAIL_TABS_SLOT]: [{ id: 'metrics', component: 'ServerMetricsTab', title: 'Metrics', order: 15 }] },
  },

  init(ctx, { clock, cluster, servers, apps }) {
    const announcer = hookAnnouncer(ctx.hooks, ctx.logger);
    const watch = { watch: new ContainerWatch(apps, announcer), recorded: (serverId: string) => apps.recorded(serverId) };
    const keys = new SeriesKeys(ctx.dataSource);
    const latest = new LatestSamples(ctx.dataSource, keys);
    const poller = new Poller(
      ctx.dataSource,
      { keys, latest },
      servers,
      announcer,
      clock,
      ctx.logger.child({ component: 'poller' }),
      {
        intervalSeconds: ctx.config.intervalSeconds,
        maxConcurrentPolls: ctx.config.maxConcurrentPolls,
        offlineAfterFailures: 3,
        // Several instances on one PostgreSQL database: only the leader polls, and tells the others.
        isLeader: () => cluster.isLeader(),
        onPolled: (serverId, polled) => sharing?.publish(serverId, polled),
      },
      watch,
      registerPollMetrics(ctx.metrics),
    );
    const sharing = cluster.shared ? sharePolls(cluster, poller, latest, ctx.logger) : undefined;
    if (sharing) ctx.onShutdown(() => sharing.stop());
    const metrics = new MetricsService(ctx.dataSource, servers, clock, (id) => poller.state(id), keys, latest, (id) => poller.containers(id));
    const containers = new ContainerMetrics(ctx.dataSource, apps, clock, (serverId, id) => poller.containers(serverId).find((c) => c.installationId === id) ?? null, keys);
    const rollups = new Rollups(ctx.dataSource, clock, ctx.logger.child({ component: 'rollups' }));
    ctx.hooks.of(serversHooks).serverDeleting.tapPromise('monitoring', async ({ server }) => {
      await poller.forget(server.id);
      await metrics.forgetServer(server.id); // its apps' metrics too
    });
    registerMetricsRoutes(ctx, metrics, containers);
    ctx.mcp.tool(getServerMetricsTool(metrics));
    ctx.mcp.tool(getDashboardSummaryTool(metrics));
    ctx.mcp.tool(getAppMetricsTool(containers, apps));
    // Newest first at shutdown: the poller stops before the rollups it feeds.
    ctx.onShutdown(() => rollups.stop());
    ctx.onShutdown(() => poller.stop());
    ctx.onReady(() => startBackgroundWork(ctx, rollups, poller, latest, cluster));
  },
});

/** Retention of the metrics (hourly), the rollups and the poller: from `ready` on. */
function startBackgroundWork(ctx: PluginContext<MonitoringConfig>, rollups: Rollups, poller: Poller, latest: LatestSamples, cluster: Cluster): void {
  const retention = { rawHours: ctx.config.metricsRawRetentionHours, fiveMinuteDays: ctx.config.metrics5mRetentionDays, hourlyDays: ctx.config.metrics1hRetentionDays };
  // Rolled up first: raw samples and 5-minute rows go only where the next level covers them.
  // Not awaited at start: after an upgrade (or a long stop) the catch-up can take a minute.
  const pruneMetrics = async () => {
    // Once per database: only the leading instance prunes (the one instance on SQLite).
    if (!cluster.isLeader()) return;
    try {
      const { removed } = await rollups.maintain(retention);
      // A server whose samples all aged out has no latest one any more.
      if (removed.raw) latest.clear();
      ctx.logger.info({ removed }, 'Metrics retention: raw samples and rollups past their age removed');
    } catch (err) {
      ctx.logger.error({ err }, 'Metrics retention failed');
    }
  };
  void pruneMetrics();
  const timer = setInterval(() => void pruneMetrics(), RETENTION_INTERVAL_MS);
  timer.unref();
  ctx.onShutdown(() => clearInterval(timer));
  rollups.start(ROLLUP_INTERVAL_MS, () => cluster.isLeader());
  poller.start();
}

export { monitoringBackupTablesModule } from './backup-tables';

export default monitoringPlugin;
