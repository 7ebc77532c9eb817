import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { HttpMetricsRecorder } from '../metrics/http-metrics';
import { errorMiddleware } from './error-middleware';
import { securityHeaders } from './security-headers';

/**
 * What every request passes through first, as one middleware: its request id, the security
 * headers, the JSON error answer, then (when it is done) the access log line and the HTTP
 * metrics. These were four Koa layers; each layer is a closure call, a promise and a dispatch per
 * request on the hot path, so they run here in the same order as one.
 */
export function requestFrame(deps: { log: Logger; metrics: HttpMetricsRecorder; scriptHashes: () => readonly string[] }): Middleware {
  const { log, metrics } = deps;
  const headers = securityHeaders(deps.scriptHashes);
  const answerErrors = errorMiddleware(log);
  return async (ctx, next) => {
    ctx.state.requestId = randomUUID();
    const started = process.hrtime.bigint();
    try {
      headers.before(ctx);
      await answerErrors(ctx, next);
      headers.after(ctx);
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The line's object is built only when it is written (the access log is at debug level).
      if (log.isLevelEnabled('debug')) {
        log.debug({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
      }
      metrics.record(ctx, ms / 1000);
    }
  };
}
