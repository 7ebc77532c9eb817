import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import type { ContainerMetrics } from '../metrics/container-metrics';
import type { MetricsService } from '../metrics/metrics-service';
import { appHistorySchema, latestSchema, serverHistorySchema, summarySchema } from '../response-schemas';

export const periodSchema = z.enum(['24h', '7d', '30d'], 'must be "24h", "7d" or "30d"');

/** `GET /api/metrics/servers[/:id]`, `GET /api/metrics/summary`, `GET /api/metrics/apps/:id`. */
export function registerMetricsRoutes(ctx: PluginContext, metrics: MetricsService, containers: ContainerMetrics): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/metrics/servers',
    summary: "Every server you may see: poll status (online, offline, unknown) and its latest sample (CPU, memory, disk, load, uptime, latency)",
    access: 'authenticated',
    response: latestSchema,
    handler: (_input, call) => metrics.latest(call.principal),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/metrics/servers/:id',
    summary: "One server's metrics over 24h, 7d or 30d: average, min/max per bucket of 5 minutes (24h), 1 hour (7d) or 3 hours (30d), from the rollups and the latest raw samples (at most 288 points)",
    access: 'authenticated',
    params: z.strictObject({ id: z.uuid('must be a valid server id') }),
    query: z.strictObject({ period: periodSchema.default('24h') }),
    response: serverHistorySchema,
    handler: async ({ params, query }, call) => {
      const history = await metrics.history(call.principal, params.id, query.period);
      return { ...history, containers: metrics.containersOf(history.serverId) };
    },
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/metrics/summary',
    summary: 'The dashboard: servers online/offline/unknown, apps per state (running, stopped, crashed…), average CPU, memory and disk use, and each server\'s latest figures',
    access: 'authenticated',
    response: summarySchema,
    handler: (_input, call) => metrics.summary(call.principal),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/metrics/apps/:id',
    summary: "One installed app's CPU and memory over 24h, 7d or 30d (averages and maxima per time bucket, at most 288 points), and its state at the last poll",
    access: 'authenticated',
    params: z.strictObject({ id: z.uuid('must be a valid installation id') }),
    query: z.strictObject({ period: periodSchema.default('24h') }),
    response: appHistorySchema,
    handler: ({ params, query }, call) => containers.history(call.principal, params.id, query.period),
  });
}
