import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { INSTALLATION_TARGET_HELP, installationTargetFields, resolveInstallationTarget, type AppsApi, type InstallationTargetArgs } from '@tomo/plugin-apps/api';
import type { ContainerMetrics } from '../metrics/container-metrics';
import type { MetricsService, Period } from '../metrics/metrics-service';
import { appHistorySchema, serverHistorySchema, summarySchema } from '../response-schemas';

const period = z.enum(['24h', '7d', '30d'], 'must be "24h", "7d" or "30d"').default('24h').describe('24h, 7d or 30d');

/** `get_server_metrics`. */
export function getServerMetricsTool(metrics: MetricsService): ToolDefinition<{ server_id: string; period: Period }> {
  return {
    name: 'get_server_metrics',
    title: 'Server metrics',
    description:
      "A server's resource usage over a period (24h, 7d or 30d; default 24h): CPU % (average, min, max), memory and disk used (average, max) and total in bytes, Docker's disk, load and latency (average, max) per time bucket, oldest first: 5-minute buckets over 24h (288 points), hourly over 7d (168), 3-hour over 30d (240). `resolution` says which stored level they come from (5m or 1h rollups; raw for a server too new to have any); the latest minutes always come from the raw samples. " +
      '`containers`: each installed app at the last poll (state, CPU, memory).',
    input: z.strictObject({
      server_id: z.uuid('must be a valid server id').describe('The server'),
      period,
    }),
    output: serverHistorySchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async (a, call) => {
      const history = await metrics.history(call.principal, a.server_id, a.period);
      return { ...history, containers: metrics.containersOf(history.serverId) };
    },
  };
}

/** `get_dashboard_summary`. */
export function getDashboardSummaryTool(metrics: MetricsService): ToolDefinition<Record<string, never>> {
  return {
    name: 'get_dashboard_summary',
    title: 'Dashboard summary',
    description: "How your servers are doing: counts online/offline/unknown, apps per state (running, stopped, crashed, failed, installing, unknown), average CPU, memory and disk use, and each server's latest figures and app counts.",
    input: z.strictObject({}),
    output: summarySchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (_a, call) => metrics.summary(call.principal),
  };
}

const appMetricsArgs = z.strictObject({ ...installationTargetFields, period });

/** `get_app_metrics`. */
export function getAppMetricsTool(containers: ContainerMetrics, apps: AppsApi): ToolDefinition<InstallationTargetArgs & { period: Period }> {
  return {
    name: 'get_app_metrics',
    title: 'App metrics',
    description:
      "An installed app's CPU (share of its server's whole CPU, %) and memory (bytes) over a period (24h, 7d or 30d; default 24h), average, min and max CPU and average and max memory per time bucket, oldest first (5-minute buckets over 24h, hourly over 7d, 3-hour over 30d; `resolution` says which stored level they come from), plus its state at the last poll (running, stopped, crashed, failed, installing, unknown). " +
      INSTALLATION_TARGET_HELP,
    input: appMetricsArgs,
    output: appHistorySchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async (a, call) => {
      const { id } = await resolveInstallationTarget(apps, call.principal, a);
      return containers.history(call.principal, id, a.period);
    },
  };
}
