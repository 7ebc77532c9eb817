import type { Context } from 'koa';
import type { MetricLabels, MetricsRegistrar } from './metrics-types';

/** The label of requests no route matched (console files, unknown paths): one series, not one per path. */
const OTHER = '(other)';

/** Records one answered request. */
export interface HttpMetricsRecorder {
  record(ctx: Context, seconds: number): void;
}

type Labels = MetricLabels<'method' | 'route' | 'status'>;

/**
 * HTTP requests and their latency by route template (`/api/servers/:id`, never the raw path with
 * its ids, which would make a series per record), method and status.
 */
export function registerHttpMetrics(metrics: MetricsRegistrar): HttpMetricsRecorder {
  const requests = metrics.counter({ name: 'tomo_http_requests_total', help: 'HTTP requests answered, by method, route template and status', labelNames: ['method', 'route', 'status'] });
  const duration = metrics.histogram({ name: 'tomo_http_request_duration_seconds', help: 'Time to answer an HTTP request (until the handler is done; streams count until they end), by method and route template', labelNames: ['method', 'route'] });
  // The label objects of each series, made once: the series are few (routes x methods x
  // statuses), and two fresh objects per request were garbage on the hot path. Found by route,
  // method and status in nested maps: a key string built per request had to be hashed each time.
  const series = new Map<string, Map<string, Map<number, { counted: Labels; timed: Labels }>>>();
  return {
    record(ctx, seconds) {
      // @koa/router puts the matched layer's path here; /metrics and /mcp are matched before or by it.
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = typeof matched === 'string' ? matched : ctx.path === '/metrics' ? '/metrics' : OTHER;
      const method = ctx.method;
      const status = ctx.status;
      let byMethod = series.get(route);
      if (!byMethod) series.set(route, (byMethod = new Map()));
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = new Map()));
      let labels = byStatus.get(status);
      if (!labels) {
        labels = { counted: { method, route, status }, timed: { method, route } };
        byStatus.set(status, labels);
      }
      requests.inc(labels.counted);
      duration.observe(labels.timed, seconds);
    },
  };
}
