import type Router from '@koa/router';
import type { Context } from 'koa';

/** A route's handler as the dispatcher holds it. */
type Handler = (ctx: Context) => Promise<void>;

/** What @koa/router leaves on the context of a matched request, which a direct call sets itself. */
interface RoutedContext {
  params: Record<string, string>;
  request: { params?: Record<string, string> };
  _matchedRoute?: string;
  routerPath?: string;
}

/** A path with no parameter, wildcard, group or regular-expression syntax: it matches itself only. */
const isExactPath = (path: string): boolean => !/[:*()?+[\]{}\\]/.test(path);

/**
 * Routes whose path has no parameters, found by method and exact path, called without @koa/router.
 *
 * Why: for every request @koa/router tests each route of its router, then builds a koa-compose
 * chain (a closure per matched layer, a new compose) to run the one route that matched. For the
 * hot parameterless routes (`GET /api/auth/me`) that was the largest single piece of Tomo's own
 * work per request after the socket write (issue 19, bench/foundation.js).
 *
 * Same answer as the router, by construction: a route is here only if @koa/router itself picks
 * it first for its exact path and method (no earlier route, parameterised or `all`, matches
 * that path). Anything else (another case, a trailing slash, HEAD, a parameterised path, a
 * method the path lacks, which gets 405) misses the map and goes through the router as before.
 */
export class ExactRoutes {
  private readonly byMethod = new Map<string, Map<string, { path: string; handler: Handler }>>();

  /** Adds the routes of `router` (in its registration order, `handlers[i]` being its i-th layer's) that are safe to call directly. */
  addFrom(router: Router, routes: ReadonlyArray<{ method: string; path: string; handler: Handler }>): void {
    const stack = router.stack;
    for (let i = 0; i < routes.length; i++) {
      const { method, path, handler } = routes[i];
      const verb = method.toUpperCase();
      if (verb === 'ALL' || !isExactPath(path)) continue;
      const first = router.match(path, verb).pathAndMethod[0];
      if (first !== stack[i]) continue;
      let paths = this.byMethod.get(verb);
      if (!paths) this.byMethod.set(verb, (paths = new Map()));
      if (!paths.has(path)) paths.set(path, { path, handler });
    }
  }

  /** Runs the route for this exact method and path; false when there is none (the router decides). */
  run(ctx: Context): Promise<void> | false {
    const route = this.byMethod.get(ctx.method)?.get(ctx.path);
    if (!route) return false;
    // What handlers and the HTTP metrics read of @koa/router's work: no parameters, the template.
    const routed = ctx as unknown as RoutedContext;
    routed.params = {};
    routed.request.params = routed.params;
    routed._matchedRoute = route.path;
    routed.routerPath = route.path;
    return route.handler(ctx);
  }
}
