import type { Context } from 'koa';
import type { MetricsRegistrar } from './metrics-types';

/** The label of requests no route matched (console files, unknown paths): one series, not one per path. */
const OTHER = '(other)';

/**
 * HTTP requests and their latency by route template (`/api/servers/:id`, never the raw path with
 * its ids, which would make a series per record), method and status.
 */
export function registerHttpMetrics(metrics: MetricsRegistrar): { record(ctx: Context, seconds: number): void } {
  const requests = metrics.counter({ name: 'tomo_http_requests_total', help: 'HTTP requests answered, by method, route template and status', labelNames: ['method', 'route', 'status'] });
  const duration = metrics.histogram({ name: 'tomo_http_request_duration_seconds', help: 'Time to answer an HTTP request (until the handler is done; streams count until they end), by method and route template', labelNames: ['method', 'route'] });
  return {
    record(ctx, seconds) {
      // @koa/router puts the matched layer's path here; /metrics and /mcp are matched before or by it.
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = typeof matched === 'string' ? matched : ctx.path === '/metrics' ? '/metrics' : OTHER;
      const labels = { method: ctx.method, route };
      requests.inc({ ...labels, status: ctx.status });
      duration.observe(labels, seconds);
    },
  };
}
