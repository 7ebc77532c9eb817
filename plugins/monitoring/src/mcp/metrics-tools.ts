import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import type { MetricsService, Period } from '../metrics/metrics-service';

/** `get_server_metrics`. */
export function getServerMetricsTool(metrics: MetricsService): ToolDefinition<{ server_id: string; period: Period }> {
  return {
    name: 'get_server_metrics',
    title: 'Server metrics',
    description:
      "A server's resource usage over a period (24h, 7d or 30d; default 24h): CPU %, memory and disk used/total in bytes, load, latency, averaged per time bucket (at most 288 points, oldest first).",
    input: z.strictObject({
      server_id: z.uuid('must be a valid server id').describe('The server'),
      period: z.enum(['24h', '7d', '30d']).default('24h').describe('24h, 7d or 30d'),
    }),
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (a, call) => metrics.history(call.principal!, a.server_id, a.period),
  };
}

/** `get_dashboard_summary`. */
export function getDashboardSummaryTool(metrics: MetricsService): ToolDefinition<Record<string, never>> {
  return {
    name: 'get_dashboard_summary',
    title: 'Dashboard summary',
    description: 'How your servers are doing: counts online/offline/unknown, average CPU, memory and disk use, and each server\'s latest figures.',
    input: z.strictObject({}),
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (_a, call) => metrics.summary(call.principal!),
  };
}
