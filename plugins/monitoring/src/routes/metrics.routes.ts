import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
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
    }),
  ),
});
const historySchema = z.object({
  serverId: z.string(),
  period: z.enum(['24h', '7d', '30d']),
  bucketSeconds: z.number(),
  points: z.array(
    z.object({
      at: z.string(),
      cpuPercent: num,
      memUsedBytes: num,
      memTotalBytes: num,
      diskUsedBytes: num,
      diskTotalBytes: num,
      load1: num,
      latencyMs: num,
      samples: z.number(),
    }),
  ),
});

export const periodSchema = z.enum(['24h', '7d', '30d'], 'must be "24h", "7d" or "30d"');

/** `GET /api/metrics/servers` and `GET /api/metrics/servers/:id`. */
export function registerMetricsRoutes(ctx: PluginContext, metrics: MetricsService): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/metrics/servers',
    summary: "Every server you may see: poll status (online, offline, unknown) and its latest sample (CPU, memory, disk, load, uptime, latency)",
    access: 'authenticated',
    response: latestSchema,
    handler: (_input, call) => metrics.latest(call.principal!),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/metrics/servers/:id',
    summary: "One server's metrics over 24h, 7d or 30d, averaged per time bucket (at most 288 points)",
    access: 'authenticated',
    params: z.strictObject({ id: z.uuid('must be a valid server id') }),
    query: z.strictObject({ period: periodSchema.default('24h') }),
    response: historySchema,
    handler: ({ params, query }, call) => metrics.history(call.principal!, params.id, query.period),
  });
}
