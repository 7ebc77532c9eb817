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
  // The series of each route, method and status, found once: they are few (routes x methods x
  // statuses). Found by route, method and status in nested maps: a key string built per request
  // had to be hashed each time.
  const series = new Map<string, Map<string, Map<number, { counted: { inc(): void }; timed: { observe(seconds: number): void } }>>>();
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
        labels = { counted: requests.series({ method, route, status } satisfies Labels), timed: duration.series({ method, route } satisfies Labels) };
        byStatus.set(status, labels);
      }
      labels.counted.inc();
      labels.timed.observe(seconds);
    },
  };
}
