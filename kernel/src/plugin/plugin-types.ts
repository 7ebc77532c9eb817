import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { TomoConfig } from '../config/config-schema';
import type { ServiceToken } from '../di/service-token';
import type { HookRegistry } from '../hooks/hook-set';
import type { RouteDefinition, RawRouteDefinition } from '../http/route-types';
import type { WebSocketRouteDefinition } from '../http/websocket-types';
import type { EntitySchema } from 'typeorm';
import type { ToolDefinition } from '../mcp/tool-types';
import type { UiContribution } from '../ui/ui-types';
import type { ExtensionPoint } from './extension-point';
import type { MetricsRegistrar } from '../metrics/metrics-types';

/** A class: what TypeORM takes for entities and migrations. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassType = Function;

/** What a plugin may list as an entity: a decorated class or an `EntitySchema`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EntityType = ClassType | EntitySchema<any>;

/** Given to `register`: the only thing a plugin does there is provide its extension points. */
export interface RegisterContext {
  /** The id of the plugin being registered. */
  readonly pluginId: string;
  /** The plugin's own child container, the same one `init` gets: keep what modules add here. */
  readonly container: DependencyContainer;
  /**
   * Provides the implementation of one of this plugin's extension points; modules targeting this
   * plugin get it from {@link ModuleContext.getExtensionPoint}. The point's id must start with
   * `<pluginId>.` and each point is provided once: otherwise the plugin is refused.
   */
  registerExtensionPoint<T>(ref: ExtensionPoint<T>, implementation: T): void;
}

/** Given to a module's `register`: reach the extension points of the plugin it targets. */
export interface ModuleContext {
  /** The module's own id. */
  readonly moduleId: string;
  /** A child of the kernel's logger, bound to `{ module: <moduleId> }`. */
  readonly logger: Logger;
  /**
   * The implementation the target plugin provided for `ref` in its `register`. Throws, and so
   * refuses the module, when no plugin provided it or when it belongs to a plugin other than
   * {@link PluginModuleDefinition.targetPlugin}.
   */
  getExtensionPoint<T>(ref: ExtensionPoint<T>): T;
}

/** How to build a service for the DI container (tsyringe's providers, registered without a lifecycle). */
export type ServiceProvider<T> =
  | {
      /** This very value, handed to everyone who resolves the token: the usual choice. */
      useValue: T;
    }
  | {
      /** Called with the resolving container on every resolve (no caching). */
      useFactory: (c: DependencyContainer) => T;
    }
  | {
      /** Constructed by tsyringe (constructor injection) on every resolve: a new instance each time. */
      useClass: new (...args: never[]) => T;
    };

/**
 * Services a plugin's `init` needs, by the name it receives each under:
 * `{ servers: ServersTokens.ServerService, vault: KernelTokens.Vault }` (see {@link PluginDefinition.deps}).
 */
export type ServiceDeps = Readonly<Record<string, ServiceToken<unknown>>>;

/** A {@link ServiceDeps} map resolved: each name holds the service its token stands for, with its type. */
export type ResolvedDeps<D extends ServiceDeps> = { readonly [K in keyof D]: D[K] extends ServiceToken<infer T> ? T : never };

/** Given to `init`, `ready` and `shutdown`. */
export interface PluginContext<TConfig = unknown> {
  /** The plugin's id. */
  readonly pluginId: string;
  /** This plugin's validated config section (`config.<pluginId>`). */
  readonly config: TConfig;
  /** The whole configuration (kernel keys and raw sections). */
  readonly kernelConfig: TomoConfig;
  /** A folder this plugin owns: `<dataDir>/plugin-data/<pluginId>` (created on first use). */
  pluginDataDir(): string;
  /** A child of the kernel's logger, bound to `{ plugin: <pluginId> }`; fields named in {@link SECRET_FIELD_NAMES} are redacted. */
  readonly logger: Logger;
  /** This plugin's child container; falls through to the root for kernel and exposed services. */
  readonly container: DependencyContainer;
  /** Puts a service in the root container so other plugins can resolve it by token. */
  expose<T>(token: ServiceToken<T>, provider: ServiceProvider<T>): void;
  /**
   * Resolves a service from this plugin's container: its own registrations, then the root
   * (kernel services in {@link KernelTokens}, and what other plugins exposed: list them in
   * `dependsOn` so they have initialised). Throws when nothing is registered under the token.
   */
  resolve<T>(token: ServiceToken<T>): T;
  /** The database (already migrated when `init` runs). */
  readonly dataSource: DataSource;
  /**
   * The kernel's hook sets: `hooks.of(kernelHooks)`, or another plugin's set from its `api.ts`.
   * Taps made during `init` take effect only if `init` succeeds; later ones at once.
   */
  readonly hooks: HookRegistry;
  /**
   * HTTP routes of this plugin. Add them in `init`: they are committed when `init` succeeds, and
   * routes added later (in `ready`, say) are not served.
   */
  readonly http: {
    /** Adds a JSON route (validated input, JSON result, listed in the OpenAPI document). */
    route<B, Q, P, R>(definition: RouteDefinition<B, Q, P, R>): void;
    /** For streaming responses (server-sent events, downloads) that cannot be plain JSON. */
    rawRoute(definition: RawRouteDefinition): void;
    /**
     * A WebSocket route (GET with an upgrade): authenticated and authorised like every route,
     * refusals answered over HTTP before the upgrade; the handler's result takes the socket.
     */
    websocket<Q, P>(definition: WebSocketRouteDefinition<Q, P>): void;
  };
  /**
   * Runs `fn` when Tomo has started as the service: after every plugin's `init` and after this
   * plugin's `ready`, in the order added (start background jobs, recover from a restart here). Not
   * run for one-shot CLI commands. Add it in `init`: this throws later. An error stops start-up.
   */
  onReady(fn: () => void | Promise<void>): void;
  /**
   * Runs `fn` when Tomo stops, after HTTP requests have drained: this plugin's callbacks newest
   * first, before its `shutdown`, plugins in reverse start order (stop timers, close connections,
   * flush). An error is logged with the plugin id and the other callbacks still run. Add it in
   * `init` or in an `onReady` callback. If `init` fails, the callbacks it added run at once, so
   * what it opened is closed.
   */
  onShutdown(fn: () => void | Promise<void>): void;
  /**
   * Metrics of this plugin for `GET /metrics` (Prometheus): register each once, in `init`, named
   * `tomo_<area>_<what>` (counters end in `_total`, durations are `_seconds`), and update them where
   * the thing happens. See the plugin guide's "Metrics".
   */
  readonly metrics: MetricsRegistrar;
  /** MCP tools of this plugin. As with routes: add them in `init`; tools added later are not served. */
  readonly mcp: {
    /**
     * Adds an MCP tool. A third-party plugin's tool names must start with its id in snake_case
     * (`os_alpine_`); this throws otherwise.
     */
    tool<I extends Record<string, unknown>>(definition: ToolDefinition<I>): void;
  };
}

/** What a plugin may add to the `tomo` command line. */
export interface CliContribution {
  /**
   * Adds subcommands to the `tomo` program. An action that needs the plugin's services calls
   * `boot()`, which starts a kernel without HTTP (database migrated) and must be stopped.
   */
  (program: Command, boot: () => Promise<BootedKernel>): void;
}

/** One line of the `tomo doctor` report: what was checked, whether it is fine, and what was found. */
export interface DoctorFinding {
  /** What was checked, short (`server nas`, `vault key`). */
  check: string;
  /** False is a problem: `tomo doctor` then exits non-zero. */
  ok: boolean;
  /** What was found; for a problem, what to do about it. Never a secret. */
  detail: string;
}

/**
 * A plugin's checks for `tomo doctor`, run after the kernel's own (config, folders, vault key,
 * database) on a kernel started without HTTP and without `ready` steps. They must only read:
 * the doctor may run next to the service.
 */
export interface DoctorContribution {
  (kernel: BootedKernel): Promise<DoctorFinding[]>;
}

/** A kernel started for a CLI command. */
export interface BootedKernel {
  /** Resolves a service from the root container (kernel services and what plugins exposed). */
  resolve<T>(token: ServiceToken<T>): T;
  /** The kernel's root logger. */
  readonly logger: Logger;
  /** Shuts plugins down and closes the database. Call it when the command is done. */
  stop(): Promise<void>;
}

/**
 * A plugin, as written by `definePlugin`. Plain data plus lifecycle functions.
 *
 * @typeParam TConfig its configuration section, as {@link PluginDefinition.config} parses it.
 * @typeParam TDeps the services `init` receives ({@link PluginDefinition.deps}).
 * @typeParam TRegistered what `register` hands to `init`.
 */
export interface PluginDefinition<TConfig = unknown, TDeps extends ServiceDeps = ServiceDeps, TRegistered = unknown> {
  /** Set by {@link definePlugin}: how the kernel tells a plugin from a module when it loads a package. */
  readonly kind: 'tomo.plugin';
  /** kebab-case, unique. */
  readonly id: string;
  /** The plugin's own version (shown in `/api/status`); `0.0.0` when `definePlugin` is given none. */
  readonly version: string;
  /**
   * The kernel API version this plugin was written for. The kernel refuses the plugin when it is
   * not exactly its {@link KERNEL_API_VERSION}; see there for how versioning works.
   */
  readonly apiVersion: number;
  /** One line saying what the plugin does. */
  readonly description?: string;
  /** Plugin ids that must load (and initialise) before this one. */
  readonly dependsOn?: readonly string[];
  /**
   * Top-level config sections this plugin reads besides its own (from `kernelConfig.sections`),
   * e.g. the apps plugin's `catalog:`; named here so the kernel does not warn they are unused.
   */
  readonly configSections?: readonly string[];
  /** Schema of this plugin's config section; validated at start with errors naming the key. */
  readonly config?: z.ZodType<TConfig>;
  /**
   * Entity classes (TypeORM decorators) or `EntitySchema` objects (no decorators needed: the
   * simpler choice for a third-party package).
   */
  readonly entities?: readonly EntityType[];
  /** Migration classes, named `<Plugin><Change><13-digit timestamp>`. */
  readonly migrations?: readonly ClassType[];
  /** Console pages, sidebar entries, dashboard widgets and slot items, declared up front. */
  readonly ui?: UiContribution;
  /** Subcommands this plugin adds to the `tomo` command line. */
  readonly cli?: CliContribution;
  /** Checks this plugin adds to `tomo doctor` (the servers plugin: each server's reachability and host key). */
  readonly doctor?: DoctorContribution;
  /**
   * Services `init` needs, by name: `{ servers: ServersTokens.ServerService }`. They are resolved
   * just before `init` and passed to it as its second argument, each with its token's type. A token
   * nothing provides refuses the plugin, naming it: list the plugins that expose them in `dependsOn`.
   */
  readonly deps?: TDeps;
  /**
   * Runs first, before the database opens, in dependency order: provide this plugin's extension
   * points here (synchronously). What it returns (say, the list its extension point fills) is
   * passed to `init` as its third argument. If it throws, the plugin is refused.
   */
  register?(ctx: RegisterContext): TRegistered;
  /**
   * Runs after the database is migrated, in dependency order: add routes, tools and hook taps,
   * expose services, and hand later work to `ctx.onReady` and `ctx.onShutdown`. If it throws,
   * nothing it added stays and the plugin is refused (a built-in one stops start-up).
   *
   * @param deps the services named in {@link PluginDefinition.deps}, resolved.
   * @param registered what {@link PluginDefinition.register} returned (undefined without one).
   */
  init?(ctx: PluginContext<TConfig>, deps: ResolvedDeps<TDeps>, registered: TRegistered): void | Promise<void>;
  /**
   * After every plugin's `init`, when Tomo starts as the service (`tomo serve`): recover from a
   * restart, start background jobs. Not run for one-shot CLI commands, which may run while the
   * service is up. `ctx.onReady` in `init` does the same with what `init` made at hand.
   */
  ready?(ctx: PluginContext<TConfig>): void | Promise<void>;
  /**
   * Tomo is stopping (after the `stopping` hook and the HTTP drain), in reverse start order: stop
   * background work. An error is logged and the next plugin still shuts down. Runs after the
   * plugin's `ctx.onShutdown` callbacks, which are the typed way to do the same from `init`.
   */
  shutdown?(ctx: PluginContext<TConfig>): void | Promise<void>;
}

/** A module extends one plugin through that plugin's extension points. */
export interface PluginModuleDefinition {
  /** Set by {@link definePluginModule}: marks a module, as opposed to a plugin. */
  readonly kind: 'tomo.module';
  /** kebab-case; shares one namespace with plugin ids. */
  readonly id: string;
  /**
   * The plugin whose extension points this module uses. When that plugin is disabled or not
   * installed, the module is left out (disabled, with the reason), never an error: a module is
   * optional, so a plugin may ship one for a plugin it does not depend on.
   */
  readonly targetPlugin: string;
  /** As {@link PluginDefinition.apiVersion}: refused when it is not the kernel's {@link KERNEL_API_VERSION}. */
  readonly apiVersion: number;
  /** The module's own version; `0.0.0` when `definePluginModule` is given none. */
  readonly version: string;
  /**
   * Runs after every plugin's `register` and before the database opens: get the target's
   * extension points and add to them. If it throws, the module is refused.
   */
  register(ctx: ModuleContext): void | Promise<void>;
}
