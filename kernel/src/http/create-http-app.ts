import Koa, { type Middleware } from 'koa';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import { AppError } from '../errors';
import { lazyModule } from '../lazy/lazy-module';
import type { HookRegistry } from '../hooks/hook-set';
import type { McpEndpoint } from '../mcp/mcp-endpoint';
import type { ShellFiles } from '../ui/shell-files';
import { registerHttpMetrics } from '../metrics/http-metrics';
import { allowList, METRICS_PATH, serveMetrics } from '../metrics/metrics-endpoint';
import type { MetricsRegistry } from '../metrics/metrics-registry';
import type { RouteRegistry } from './route-registry';
import { dispatchRoutes, type DispatchedRoute } from './route-dispatch';
import { runRoute } from './run-route';
import { runWebSocketRoute } from './run-websocket-route';
import { readPlainJsonBody } from './plain-json-body';
import { isApiPath } from './security-headers';
import { requestFrame } from './request-frame';

/** What the HTTP app is built from. */
export interface HttpAppDeps {
  routes: RouteRegistry;
  mcp: McpEndpoint;
  shell: ShellFiles;
  hooks: HookRegistry;
  log: Logger;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** See `KernelOptions.checkResponses`. */
  checkResponses?: boolean;
  /** Counts requests by route for `/metrics`, which it also serves. */
  metrics: MetricsRegistry;
  /** `metrics.allowFrom`: who may scrape without a token. */
  metricsAllowFrom: readonly string[];
  /** The server that takes the upgrades of WebSocket routes (made with `noServer` on first use). */
  wss: () => WebSocketServer;
  /** `server.publicUrl`: the origin a WebSocket's session cookie must come from (else the Host header's). */
  publicUrl?: string;
}

/**
 * Assembles the Koa app: request ids and access log, security headers, JSON errors, a JSON-only
 * body parser with a size limit, the registered routes (WebSocket routes among them: see
 * `routeUpgrades`), `/mcp`, and the console's files.
 */
export function createHttpApp(deps: HttpAppDeps): Koa {
  // Behind a trusted proxy, the client is the address that proxy added: the last entry of
  // X-Forwarded-For (maxIpsCount 1). Earlier entries come from the client and could be forged.
  const app = new Koa({ proxy: deps.trustProxy, maxIpsCount: 1 });
  const log = deps.log.child({ component: 'http' });
  const httpMetrics = registerHttpMetrics(deps.metrics);

  app.use(requestFrame({ log, metrics: httpMetrics, scriptHashes: () => deps.shell.inlineScriptHashes }));
  const allowFrom = allowList(deps.metricsAllowFrom);
  // The body parser (with co-body, qs and their helpers) is loaded by the first request that can
  // carry a body, not at start: the methods it would skip anyway never load it.
  let jsonBody: Middleware | undefined;

  const routes: DispatchedRoute[] = [];
  const pluginLogs = new Map<string, Logger>();
  for (const entry of deps.routes.all()) {
    const method = entry.definition.method.toLowerCase() as DispatchedRoute['method'];
    // One child logger per plugin, made once: a child per request costs measurable CPU.
    if (!pluginLogs.has(entry.owner)) pluginLogs.set(entry.owner, log.child({ plugin: entry.owner }));
    const routeLog = pluginLogs.get(entry.owner) as Logger;
    if (entry.websocket) {
      const wsDeps = { hooks: deps.hooks, log: routeLog, wss: deps.wss, publicUrl: deps.publicUrl };
      routes.push({ method: 'get', path: entry.definition.path, handler: (ctx) => runWebSocketRoute(ctx, entry, wsDeps) });
    } else {
      routes.push({ method, path: entry.definition.path, handler: (ctx) => runRoute(ctx, entry, deps.hooks, routeLog, deps.checkResponses ?? false) });
    }
  }
  routes.push({ method: 'all', path: '/mcp', handler: (ctx) => deps.mcp.handle(ctx) });
  const dispatch = dispatchRoutes(routes);
  // What no route answered: the console's files (never on API paths, which stay JSON 404s).
  const shellFiles = async (ctx: Koa.Context, next: Koa.Next): Promise<void> => {
    if (isApiPath(ctx.path) || ctx.body !== undefined) return next();
    if (!(await deps.shell.serve(ctx))) await next();
  };
  // /metrics, the body parser, the routes, then the console's files, as one Koa layer: they were
  // four, and each layer is one more koa-compose dispatch (a bound function and a promise) on
  // every request (issue 19). The order is the one they had as layers.
  app.use((ctx, next) => {
    if (ctx.path === METRICS_PATH) return serveMetrics(ctx, { metrics: deps.metrics, hooks: deps.hooks, allowFrom });
    const rest = (): Promise<void> => shellFiles(ctx, next);
    if (!BODY_METHODS.has(ctx.method)) return dispatch(ctx, rest);
    // An MCP message is a small JSON POST: read directly (same answers as the parser, less CPU).
    const plain = ctx.path === '/mcp' ? readPlainJsonBody(ctx.req, deps.bodyLimitBytes) : undefined;
    if (plain) {
      return plain.then((body) => {
        (ctx.request as { body?: unknown }).body = body;
        return dispatch(ctx, rest);
      });
    }
    jsonBody ??= makeBodyParser(deps.bodyLimitBytes);
    return jsonBody(ctx, () => dispatch(ctx, rest));
  });
  return app;
}

const bodyParserModule = lazyModule<typeof import('@koa/bodyparser')>(require, '@koa/bodyparser');

// DELETE too: a removal that must be confirmed takes its proof in the body (turning two-factor
// off needs the password and a code), never in the URL, which logs and proxies keep.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** JSON bodies only, UTF-8, strict, at most `limitBytes`. */
function makeBodyParser(limitBytes: number): Middleware {
  return bodyParserModule().bodyParser({
    enableTypes: ['json'],
    parsedMethods: [...BODY_METHODS],
    jsonLimit: limitBytes,
    jsonStrict: true,
    encoding: 'utf-8',
    onError: (err) => {
      // A Content-Encoding (gzip, deflate, br) the bytes do not match fails in zlib, with no
      // HTTP status: the client's fault, not an internal error.
      if (/^(Z_|ERR_BROTLI|ERR__ERROR_)/.test(String((err as { code?: unknown }).code))) {
        throw new AppError(400, 'invalid_body', 'Request body could not be decoded with its Content-Encoding', 'content-encoding');
      }
      throw err;
    },
  }) as Middleware;
}
