import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { DependencyContainer } from 'tsyringe';
import type { TomoConfig } from '../config/config-schema';
import type { ServiceToken } from '../di/service-token';
import { StagedHookRegistry, type HookRegistry } from '../hooks/hook-set';
import type { RouteEntry } from '../http/route-registry';
import type { RawRouteDefinition, RouteDefinition } from '../http/route-types';
import type { WebSocketRouteDefinition } from '../http/websocket-types';
import type { ToolEntry } from '../mcp/tool-registry';
import type { ToolDefinition } from '../mcp/tool-types';
import type { MetricsRegistrar } from '../metrics/metrics-types';
import { PluginLifecycle } from './plugin-lifecycle';
import type { PluginContext, ServiceProvider } from './plugin-types';

/** Routes, tools and hook taps a plugin contributed during `init`, committed only if `init` succeeds. */
export interface StagedContributions {
  routes: RouteEntry[];
  tools: ToolEntry[];
  /** Applies the hook taps made during `init`. */
  commitTaps(): void;
  /** Ends `init`: a route or tool contributed later throws (it would never be served). */
  close(): void;
}

/** Registers a provider in a tsyringe container. */
export function registerProvider<T>(container: DependencyContainer, token: ServiceToken<T>, provider: ServiceProvider<T>): void {
  if ('useValue' in provider) container.register(token, { useValue: provider.useValue });
  else if ('useFactory' in provider) container.register(token, { useFactory: provider.useFactory });
  else container.register(token, { useClass: provider.useClass as new (...args: unknown[]) => T });
}

/** Everything needed to build one plugin's context. */
export interface PluginContextDeps<TConfig> {
  pluginId: string;
  config: TConfig;
  kernelConfig: TomoConfig;
  logger: Logger;
  rootContainer: DependencyContainer;
  /** The child container made at register time, when there was one. */
  container?: DependencyContainer;
  hooks: HookRegistry;
  dataSource: DataSource;
  /** Third-party tools must be prefixed with the plugin id (as snake_case). */
  requireToolPrefix: boolean;
  /** The kernel's metrics, as this plugin registers into them. */
  metrics: MetricsRegistrar;
}

/** Builds the context a plugin's `init`, `ready` and `shutdown` receive, and the lifecycle its `onReady`/`onShutdown` fill. */
export function createPluginContext<TConfig>(deps: PluginContextDeps<TConfig>): { context: PluginContext<TConfig>; staged: StagedContributions; lifecycle: PluginLifecycle } {
  const hooks = new StagedHookRegistry(deps.hooks);
  let open = true;
  const staged: StagedContributions = { routes: [], tools: [], commitTaps: () => hooks.commit(), close: () => void (open = false) };
  const container = deps.container ?? deps.rootContainer.createChildContainer();
  const owner = deps.pluginId;
  const lifecycle = new PluginLifecycle(owner, deps.logger);
  const toolPrefix = `${owner.replace(/-/g, '_')}_`;
  // The HTTP router and the MCP tool list are built from what `init` contributed; one added later
  // (in `ready`, a timer, a hook) would be silently missing, so it fails loudly instead.
  const requireInit = (what: string) => {
    if (!open) throw new Error(`Plugin "${owner}": ${what} was contributed after init; routes and MCP tools can only be contributed in init`);
  };
  const context: PluginContext<TConfig> = {
    pluginId: owner,
    config: deps.config,
    kernelConfig: deps.kernelConfig,
    logger: deps.logger,
    container,
    dataSource: deps.dataSource,
    hooks,
    metrics: deps.metrics,
    pluginDataDir() {
      // Not `<dataDir>/plugins`: under the RPM that is the (read-only) folder third-party plugins are installed in.
      const dir = path.join(deps.kernelConfig.dataDir, 'plugin-data', owner);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    },
    expose(token, provider) {
      registerProvider(deps.rootContainer, token, provider);
    },
    resolve<T>(token: ServiceToken<T>): T {
      return container.resolve<T>(token);
    },
    http: {
      route<B, Q, P, R>(definition: RouteDefinition<B, Q, P, R>) {
        requireInit(`route ${definition.method} ${definition.path}`);
        staged.routes.push({ owner, raw: false, definition: definition as RouteDefinition<unknown, unknown, unknown, unknown> });
      },
      rawRoute(definition: RawRouteDefinition) {
        requireInit(`route ${definition.method} ${definition.path}`);
        staged.routes.push({ owner, raw: true, definition });
      },
      websocket<Q, P>(definition: WebSocketRouteDefinition<Q, P>) {
        requireInit(`WebSocket route ${definition.path}`);
        staged.routes.push({ owner, raw: true, websocket: true, definition: { ...(definition as WebSocketRouteDefinition), method: 'GET' } });
      },
    },
    onReady(fn) {
      // Ready callbacks run once, right after init: one added later would never run.
      if (!open) throw new Error(`Plugin "${owner}": onReady was called after init; add ready callbacks in init`);
      lifecycle.addReady(fn);
    },
    onShutdown(fn) {
      lifecycle.addShutdown(fn);
    },
    mcp: {
      tool<I extends Record<string, unknown>>(definition: ToolDefinition<I>) {
        requireInit(`MCP tool "${definition.name}"`);
        if (deps.requireToolPrefix && !definition.name.startsWith(toolPrefix)) {
          throw new Error(`MCP tool "${definition.name}" must be prefixed with "${toolPrefix}" (third-party tools carry their plugin id)`);
        }
        staged.tools.push({ owner, definition: definition as unknown as ToolDefinition });
      },
    },
  };
  return { context, staged, lifecycle };
}
