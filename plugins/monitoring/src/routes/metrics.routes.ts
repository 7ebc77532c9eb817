import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import type { ContainerMetrics } from '../metrics/container-metrics';
import type { MetricsService } from '../metrics/metrics-service';

const num = z.number().nullable();
const sampleSchema = z.object({
  at: z.string(),
  cpuPercent: num,
  memTotalBytes: num,
  memUsedBytes: num,
  diskTotalBytes: num,
  diskUsedBytes: num,
  dockerDiskTotalBytes: num,
  dockerDiskUsedBytes: num,
  load1: num,
  load5: num,
  load15: num,
  uptimeSeconds: num,
  latencyMs: num,
});
const appCountsSchema = z.object({
  total: z.number(),
  running: z.number(),
  stopped: z.number(),
  crashed: z.number(),
  failed: z.number(),
  installing: z.number(),
  unknown: z.number(),
});
const containerSchema = z.object({
  installationId: z.string(),
  appId: z.string(),
  appName: z.string(),
  containerName: z.string(),
  state: z.enum(['running', 'stopped', 'crashed', 'failed', 'installing', 'removing', 'unknown']),
  detail: z.string().nullable(),
  cpuPercent: num,
  memBytes: num,
});
export const summarySchema = z.object({
  servers: z.object({ total: z.number(), online: z.number(), offline: z.number(), unknown: z.number() }),
  apps: appCountsSchema,
  averages: z.object({ cpuPercent: num, memPercent: num, diskPercent: num }),
  perServer: z.array(
    z.object({
      serverId: z.string(),
      name: z.string(),
      status: z.enum(['online', 'offline', 'unknown']),
      cpuPercent: num,
      memPercent: num,
      diskPercent: num,
      apps: appCountsSchema,
    }),
  ),
});
const appHistorySchema = z.object({
  installationId: z.string(),
  serverId: z.string(),
  appId: z.string(),
  appName: z.string(),
  period: z.enum(['24h', '7d', '30d']),
  bucketSeconds: z.number(),
  /** The stored level the points come from (see the server history). */
  resolution: z.enum(['raw', '5m', '1h']),
  current: containerSchema.nullable(),
  points: z.array(z.object({ at: z.string(), cpuPercent: num, cpuPercentMin: num, cpuPercentMax: num, memBytes: num, memBytesMax: num, samples: z.number() })),
});
const latestSchema = z.object({
  servers: z.array(
    z.object({
      serverId: z.string(),
      name: z.string(),
      status: z.enum(['online', 'offline', 'unknown']),
      consecutiveFailures: z.number(),
      lastError: z.string().nullable(),
      lastPollAt: z.string().nullable(),
      latest: sampleSchema.nullable(),
      apps: appCountsSchema,
    }),
  ),
});
const historySchema = z.object({
  serverId: z.string(),
  period: z.enum(['24h', '7d', '30d']),
  bucketSeconds: z.number(),
  /** The stored level the points come from: 5-minute or hourly rollups, raw samples while nothing of the period is rolled up yet. */
  resolution: z.enum(['raw', '5m', '1h']),
  points: z.array(
    z.object({
      at: z.string(),
      cpuPercent: num,
      cpuPercentMin: num,
      cpuPercentMax: num,
      memUsedBytes: num,
      memUsedBytesMax: num,
      memTotalBytes: num,
      diskUsedBytes: num,
      diskUsedBytesMax: num,
      diskTotalBytes: num,
      dockerDiskUsedBytes: num,
      dockerDiskTotalBytes: num,
      load1: num,
      load1Max: num,
      latencyMs: num,
      latencyMsMax: num,
      samples: z.number(),
    }),
  ),
});

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
    response: historySchema.extend({ containers: z.array(containerSchema) }),
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
