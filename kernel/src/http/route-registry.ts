import { PluginLoadError } from '../errors';
import type { HttpMethod, RawRouteDefinition, RouteDefinition } from './route-types';
import type { WebSocketRouteDefinition } from './websocket-types';

/**
 * A registered route and the plugin that owns it. WebSocket routes are GET routes of their own
 * kind (`websocket: true`): listed with the others, so a path clash, the OpenAPI document and
 * the security sweeps that enumerate routes see them too.
 */
export type RouteEntry =
  | { owner: string; raw: false; websocket?: undefined; definition: RouteDefinition<unknown, unknown, unknown, unknown> }
  | { owner: string; raw: true; websocket?: undefined; definition: RawRouteDefinition }
  | { owner: string; raw: true; websocket: true; definition: WebSocketRouteDefinition & { method: 'GET' } };

const PATH_PATTERN = /^\/api(\/[A-Za-z0-9._~:-]+)*\/?$/;
/** Outside /api/ only the kernel's own probes and metrics: a plugin must not shadow /mcp or the console's files. */
const KERNEL_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/** `/api/users/:id` and `/api/users/:userId` are the same route: parameters compare equal. */
function routeKey(method: HttpMethod, path: string): string {
  return `${method} ${path.replace(/:[A-Za-z0-9_]+/g, ':').replace(/\/$/, '')}`;
}

/** All HTTP routes of all plugins. Two plugins claiming one route stop start-up, naming both. */
export class RouteRegistry {
  private readonly entries = new Map<string, RouteEntry>();

  add(entry: RouteEntry): void {
    const { method, path } = entry.definition;
    if (!PATH_PATTERN.test(path) && !(entry.owner === 'kernel' && KERNEL_PATHS.has(path))) {
      throw new PluginLoadError(`Plugin "${entry.owner}": route path "${path}" must start with /api/ and use only URL-safe characters`, entry.owner);
    }
    const key = routeKey(method, path);
    const existing = this.entries.get(key);
    if (existing) {
      throw new PluginLoadError(
        `Route ${method} ${path} is registered by both "${existing.owner}" and "${entry.owner}"`,
        entry.owner,
      );
    }
    this.entries.set(key, entry);
  }

  /** Checks a batch against the registry without adding it (for all-or-nothing plugin init). */
  check(batch: readonly RouteEntry[]): void {
    const probe = new RouteRegistry();
    for (const entry of this.entries.values()) probe.entries.set(routeKey(entry.definition.method, entry.definition.path), entry);
    for (const entry of batch) probe.add(entry);
  }

  all(): RouteEntry[] {
    return [...this.entries.values()];
  }
}
