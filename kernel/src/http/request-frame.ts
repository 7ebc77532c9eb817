import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { HttpMetricsRecorder } from '../metrics/http-metrics';
import { answerError, answerNotFound } from './error-middleware';
import { requestIds } from './request-ids';
import { securityHeaders } from './security-headers';

/**
 * What every request passes through first, as one middleware: its request id, the security
 * headers, the JSON error answer, then (when it is done) the access log line and the HTTP
 * metrics. These were four Koa layers; each layer is a closure call, a promise and a dispatch per
 * request on the hot path, so they run here in the same order as one (the error answer is
 * errorMiddleware's, inlined: its own async layer was one more promise per request).
 */
export function requestFrame(deps: { log: Logger; metrics: HttpMetricsRecorder; scriptHashes: () => readonly string[] }): Middleware {
  const { log, metrics } = deps;
  const headers = securityHeaders(deps.scriptHashes);
  const nextRequestId = requestIds();
  return async (ctx, next) => {
    ctx.state.requestId = nextRequestId();
    // A double, not hrtime.bigint(): two BigInts per request were garbage for the same precision.
    const started = performance.now();
    try {
      headers.before(ctx);
      try {
        await next();
        answerNotFound(ctx);
      } catch (err) {
        answerError(log, ctx, err);
      }
      headers.after(ctx);
    } finally {
      const ms = performance.now() - started;
      // The line's object is built only when it is written (the access log is at debug level).
      if (log.isLevelEnabled('debug')) {
        log.debug({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
      }
      metrics.record(ctx, ms / 1000);
    }
  };
}
