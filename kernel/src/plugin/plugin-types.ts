import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { TomoConfig } from '../config/config-schema';
import type { ServiceToken } from '../di/service-token';
import type { HookRegistry } from '../hooks/hook-set';
import type { RouteDefinition, RawRouteDefinition } from '../http/route-types';
import type { EntitySchema } from 'typeorm';
import type { ToolDefinition } from '../mcp/tool-types';
import type { UiContribution } from '../ui/ui-types';
import type { ExtensionPoint } from './extension-point';

/** A class: what TypeORM takes for entities and migrations. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassType = Function;

/** What a plugin may list as an entity: a decorated class or an `EntitySchema`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EntityType = ClassType | EntitySchema<any>;

/** Given to `register`: the only thing a plugin does there is provide its extension points. */
export interface RegisterContext {
  readonly pluginId: string;
  /** The plugin's own child container, the same one `init` gets: keep what modules add here. */
  readonly container: DependencyContainer;
  registerExtensionPoint<T>(ref: ExtensionPoint<T>, implementation: T): void;
}

/** Given to a module's `register`: reach the extension points of the plugin it targets. */
export interface ModuleContext {
  readonly moduleId: string;
  readonly logger: Logger;
  getExtensionPoint<T>(ref: ExtensionPoint<T>): T;
}

/** How to build a service for the DI container. */
export type ServiceProvider<T> = { useValue: T } | { useFactory: (c: DependencyContainer) => T } | { useClass: new (...args: never[]) => T };

/** Given to `init`, `ready` and `shutdown`. */
export interface PluginContext<TConfig = unknown> {
  readonly pluginId: string;
  /** This plugin's validated config section (`config.<pluginId>`). */
  readonly config: TConfig;
  /** The whole configuration (kernel keys and raw sections). */
  readonly kernelConfig: TomoConfig;
  /** A folder this plugin owns: `<dataDir>/plugins/<pluginId>` (created on first use). */
  pluginDataDir(): string;
  readonly logger: Logger;
  /** This plugin's child container; falls through to the root for kernel and exposed services. */
  readonly container: DependencyContainer;
  /** Puts a service in the root container so other plugins can resolve it by token. */
  expose<T>(token: ServiceToken<T>, provider: ServiceProvider<T>): void;
  resolve<T>(token: ServiceToken<T>): T;
  /** The database (already migrated when `init` runs). */
  readonly dataSource: DataSource;
  readonly hooks: HookRegistry;
  readonly http: {
    route<B, Q, P, R>(definition: RouteDefinition<B, Q, P, R>): void;
    /** For streaming responses (server-sent events, downloads) that cannot be plain JSON. */
    rawRoute(definition: RawRouteDefinition): void;
  };
  readonly mcp: {
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

/** A kernel started for a CLI command. */
export interface BootedKernel {
  resolve<T>(token: ServiceToken<T>): T;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/** A plugin, as written by `definePlugin`. Plain data plus lifecycle functions. */
export interface PluginDefinition<TConfig = unknown> {
  readonly kind: 'tomo.plugin';
  /** kebab-case, unique. */
  readonly id: string;
  readonly version: string;
  /** The kernel API version this plugin was built for ({@link KERNEL_API_VERSION}). */
  readonly apiVersion: number;
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
  readonly ui?: UiContribution;
  readonly cli?: CliContribution;
  register?(ctx: RegisterContext): void;
  init?(ctx: PluginContext<TConfig>): void | Promise<void>;
  /**
   * After every plugin's `init`, when Tomo starts as the service (`tomo serve`): recover from a
   * restart, start background jobs. Not run for one-shot CLI commands, which may run while the
   * service is up.
   */
  ready?(ctx: PluginContext<TConfig>): void | Promise<void>;
  shutdown?(ctx: PluginContext<TConfig>): void | Promise<void>;
}

/** A module extends one plugin through that plugin's extension points. */
export interface PluginModuleDefinition {
  readonly kind: 'tomo.module';
  readonly id: string;
  /** The plugin whose extension points this module uses. */
  readonly targetPlugin: string;
  readonly apiVersion: number;
  readonly version: string;
  register(ctx: ModuleContext): void | Promise<void>;
}
