import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { ExactRoutes } from './exact-routes';

/** How a route is added to a router: its method, path and handler. */
export interface DispatchedRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'all';
  path: string;
  handler: (ctx: Context) => Promise<void>;
}

/** `auth` for `/api/auth/me` (lower case: routes match regardless of case); undefined outside `/api/<name>`. */
function apiGroup(path: string): string | undefined {
  if (path.length < 6 || path.slice(0, 5).toLowerCase() !== '/api/') return undefined;
  const end = path.indexOf('/', 5);
  return path.slice(5, end === -1 ? undefined : end).toLowerCase() || undefined;
}

/**
 * The routes as Koa middleware, one @koa/router per `/api/<name>` group (plus one for the rest).
 *
 * Why: @koa/router tests a request against every route's regular expression in turn; with the
 * hundred-odd routes of all plugins that cost tens of microseconds on every request, more than
 * the rest of an authenticated request. A request can only match routes of its own group, so it
 * is handed to that group's router, found by a map lookup; inside it, matching, 405 answers with
 * `Allow`, parameters and `_matchedRoute` are @koa/router's as before. A route whose group is a
 * parameter (`/api/:x/...`) could match any group: then everything stays in one router.
 * Routes without parameters that the router would pick first skip it altogether (see ExactRoutes).
 */
export function dispatchRoutes(routes: readonly DispatchedRoute[]): Middleware {
  const byGroup = new Map<string, DispatchedRoute[]>();
  const rest: DispatchedRoute[] = [];
  for (const route of routes) {
    const group = apiGroup(route.path);
    if (group === undefined) rest.push(route);
    else byGroup.set(group, [...(byGroup.get(group) ?? []), route]);
  }
  const exact = new ExactRoutes();
  const routerOf = (list: readonly DispatchedRoute[]): Middleware => {
    const router = new Router();
    for (const r of list) router[r.method](r.path, (ctx) => r.handler(ctx));
    exact.addFrom(router, list);
    const matched = router.routes() as unknown as Middleware;
    const allowed = router.allowedMethods() as unknown as Middleware;
    // As app.use(routes) then app.use(allowedMethods): the 405/501 answers come after the routes.
    return (ctx, next) => matched(ctx, () => allowed(ctx, next));
  };
  if ([...byGroup.keys()].some((g) => g.startsWith(':'))) {
    const all = routerOf(routes);
    return (ctx, next) => exact.run(ctx) || all(ctx, next);
  }
  const groups = new Map([...byGroup].map(([group, list]) => [group, routerOf(list)]));
  const others = routerOf(rest);
  return (ctx, next) => {
    const direct = exact.run(ctx);
    if (direct) return direct;
    const group = apiGroup(ctx.path);
    if (group === undefined) return others(ctx, next);
    const router = groups.get(group);
    return router ? router(ctx, next) : next();
  };
}
