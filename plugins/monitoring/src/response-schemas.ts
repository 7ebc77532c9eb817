/**
 * What the monitoring plugin's HTTP routes answer, as zod schemas: each route's `response` (the
 * OpenAPI document; test kernels check every answer against them), and the `output` of the MCP
 * tools that return the same thing.
 */
import { z } from 'zod';

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
export const containerSchema = z.object({
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
export const appHistorySchema = z.object({
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
export const latestSchema = z.object({
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
export const historySchema = z.object({
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

/** `get_server_metrics` and `GET /api/metrics/servers/:id`: the history and the server's containers at the last poll. */
export const serverHistorySchema = historySchema.extend({ containers: z.array(containerSchema) });
