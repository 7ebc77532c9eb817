import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import 'reflect-metadata';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { TomoConfig } from './config/config-schema';
import { describeConfigIssue } from './config/load-config';
import { createDataSource } from './db/create-data-source';
import { runMigrationsOnce } from './db/run-migrations-once';
import { startCluster, type StartedCluster } from './cluster/start-cluster';
import { KernelTokens } from './di/kernel-tokens';
import type { ServiceToken } from './di/service-token';
import { ConfigError, PluginLoadError } from './errors';
import { HookRegistry } from './hooks/hook-set';
import { kernelHooks } from './hooks/kernel-hooks';
import { checkReadiness, type KernelPhase } from './health/readiness';
import { createHttpApp } from './http/create-http-app';
import { routeUpgrades } from './http/websocket-upgrade';
import type { WebSocketServer } from 'ws';
import { trackSockets } from './http/idle-sockets';
import { kernelRoutes, type StatusReport } from './http/kernel-routes';
import { buildOpenApi } from './http/openapi';
import { RouteRegistry } from './http/route-registry';
import { closeLogger, createLogger } from './log/create-logger';
import { registerMcpMetrics } from './metrics/mcp-metrics';
import { MetricsRegistry } from './metrics/metrics-registry';
import type { MetricsRegistrar } from './metrics/metrics-types';
import { McpEndpoint } from './mcp/mcp-endpoint';
import { ToolRegistry } from './mcp/tool-registry';
import { discoverPlugins, type DiscoveredPackage } from './plugin/discover';
import { planLoad, refuse, type Candidate, type PluginStatus } from './plugin/load-plan';
import { createPluginContext, registerProvider } from './plugin/plugin-context';
import type { PluginLifecycle } from './plugin/plugin-lifecycle';
import { buildPluginReport, type PluginReport } from './plugin/plugin-report';
import { resolveDeps } from './plugin/resolve-deps';
import type { ClassType, EntityType, PluginContext, PluginDefinition, PluginModuleDefinition } from './plugin/plugin-types';
import { installSharedModuleResolution } from './plugin/shared-modules';
import { ShellFiles } from './ui/shell-files';
import { UiRegistry } from './ui/ui-registry';
import { SecretVault } from './vault/secret-vault';
import { KERNEL_VERSION } from './version';
import { lazyModule } from './lazy/lazy-module';

/** ws serves only the WebSocket routes (terminals): loaded on the first upgrade, not at start. */
const ws = lazyModule<typeof import('ws')>(require, 'ws');

/** How to build a kernel. */
export interface KernelOptions {
  /** The loaded configuration (`loadConfig()`), kernel keys and every plugin's raw section. */
  config: TomoConfig;
  /** Folders of built-in plugin packages (a broken one stops start-up). */
  builtinPluginDirs?: string[];
  /** Plugin definitions handed over directly (tests, embedders); treated as built-in. */
  plugins?: PluginDefinition[];
  /** Plugin modules handed over directly, next to `plugins` (e.g. the built-in preparers). */
  modules?: PluginModuleDefinition[];
  /** The console's built files (ui-shell/dist). */
  uiShellDir?: string;
  /** Product version shown in `/api/status` (defaults to the kernel's). */
  version?: string;
  /** Use this logger instead of creating one from the config. */
  logger?: Logger;
  /** Extra log destination (tests read logs from it). */
  logStream?: NodeJS.WritableStream;
  /**
   * Checks every JSON route's answer against the route's `response` schema (a route without one
   * must answer 204), so the OpenAPI document cannot drift from what routes send. A mismatch is a
   * 500 naming the route and the field. Likewise every MCP tool result against the tool's `output`
   * schema (a mismatch is an `output_contract` tool error naming the tool and the field). On in
   * test kernels; off in production (it costs a parse).
   */
  checkResponses?: boolean;
}

interface ActivePlugin {
  definition: PluginDefinition;
  context: PluginContext;
  lifecycle: PluginLifecycle;
}

/**
 * The microkernel: discovers, validates and orders plugins, gives each its extension points,
 * container, hooks and registries, assembles one database from their entities and migrations,
 * and serves their routes, MCP tools and console panels. It knows no feature.
 *
 * Start order: discover → validate/order → register (extension points) → modules → database
 * (migrations applied before `init`, so plugins can read their data while initialising) →
 * init (contributions committed only if init succeeds) → listen → ready → `started` hook.
 */
export class Kernel {
  /** Every hook set, by owner (`ctx.hooks.of(...)` in plugins). */
  readonly hooks = new HookRegistry();
  /** Every HTTP route and its owner (tests enumerate it to cover all routes). */
  readonly routes = new RouteRegistry();
  /** Takes the upgrades of WebSocket routes; made on the first one (see `webSocketServer`). */
  private wss?: WebSocketServer;
  /** Every MCP tool and its owner. */
  readonly tools = new ToolRegistry();
  /** Every plugin's console contribution (the manifest and bundle folders). */
  readonly ui = new UiRegistry();
  /** The root DI container; each plugin gets a child of it. */
  readonly container: DependencyContainer;
  /** The kernel's logger (plugins get children of it). */
  readonly logger: Logger;
  /** What `GET /metrics` serves: the kernel's own metrics and those plugins register (`ctx.metrics`). */
  private readonly metricsRegistry = new MetricsRegistry();
  /** Counts MCP tool calls; registered with the kernel, before any plugin could take the names. */
  private readonly mcpMetrics = registerMcpMetrics(this.metricsRegistry);
  private statuses: PluginStatus[] = [];
  /** Every discovered plugin and module definition by id, and who offers each extension point (Plugins page). */
  private readonly definitions = new Map<string, PluginDefinition | PluginModuleDefinition>();
  private readonly extensionPointOwners = new Map<string, string>();
  private readonly active: ActivePlugin[] = [];
  /** Each plugin's child container, made before `register` and handed to `init`. */
  private readonly pluginContainers = new Map<string, DependencyContainer>();
  /** What each plugin's `register` returned, for its `init`. */
  private readonly registered = new Map<string, unknown>();
  private dataSourceValue?: DataSource;
  private server?: http.Server;
  private sockets?: { closeIdle(): void };
  private mcp?: McpEndpoint;
  private startedAt = Date.now();
  private stopping?: Promise<void>;
  /** For the readiness probe: `started` once every plugin has run `init` and `ready`. */
  private phase: KernelPhase = 'starting';
  /** The database file's identity when it was opened (readiness notices a file put in its place). */
  private openedDatabaseFile?: { dev: number; ino: number };
  private clusterValue?: StartedCluster;

  constructor(private readonly options: KernelOptions) {
    this.container = globalContainer.createChildContainer();
    this.logger =
      options.logger ??
      createLogger({
        logDir: options.config.logDir,
        level: options.config.log.level,
        pretty: options.config.log.pretty,
        targets: options.config.log.targets,
        extraStream: options.logStream,
      });
  }

  /** Adds metrics to `GET /metrics` (embedders; plugins use `ctx.metrics`). */
  get metrics(): MetricsRegistrar {
    return this.metricsRegistry.forOwner('embedder');
  }

  /** The configuration the kernel was made with. */
  get config(): TomoConfig {
    return this.options.config;
  }

  /** The one database of all plugins; throws before `start` has opened it. */
  get dataSource(): DataSource {
    if (!this.dataSourceValue) throw new Error('The database is not open yet');
    return this.dataSourceValue;
  }

  /** Base URL while listening, e.g. `http://127.0.0.1:8080`. */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Every plugin and module with its state (active, or disabled and why). */
  pluginStatuses(): readonly PluginStatus[] {
    return this.statuses;
  }

  /** A service from the root container (kernel services and those plugins exposed). */
  resolve<T>(token: ServiceToken<T>): T {
    return this.container.resolve<T>(token);
  }

  /** The WebSocket server, made on the first upgrade; 1 MiB per message is far above a paste. */
  private webSocketServer(): WebSocketServer {
    this.wss ??= new (ws().WebSocketServer)({ noServer: true, maxPayload: 1024 * 1024 });
    return this.wss;
  }

  private discover(): DiscoveredPackage[] {
    installSharedModuleResolution(require.resolve('./index'));
    const packages: DiscoveredPackage[] = [];
    if (this.options.plugins?.length || this.options.modules?.length) {
      packages.push({
        source: { dir: '(given)', packageName: '(given)', builtin: true },
        plugins: this.options.plugins ?? [],
        modules: this.options.modules ?? [],
      });
    }
    packages.push(...discoverPlugins(this.options.builtinPluginDirs ?? [], true));
    packages.push(...discoverPlugins(this.config.plugins.dirs, false));
    return packages;
  }

  /** The entities and migrations of the plugins that would load, without opening anything (`tomo migrate --status`). */
  plannedSchema(): {
    /** Entities of every plugin that would load. */
    entities: EntityType[];
    /** Their migrations, in plugin order. */
    migrations: ClassType[];
  } {
    const plan = planLoad(this.discover(), this.config.plugins.disabled);
    return {
      entities: plan.plugins.flatMap((c) => [...(c.definition.entities ?? [])]),
      migrations: plan.plugins.flatMap((c) => [...(c.definition.migrations ?? [])]),
    };
  }

  /**
   * Starts the kernel; with `listen` the HTTP server too. Throws on a broken built-in or bad
   * config. `runReady: false` is for one-shot CLI commands (`tomo admin create`, a
   * plugin's command) that boot plugins next to a running service: plugins' `ready` steps act as
   * "the service is starting" (e.g. marking work cut off by a restart as failed) and must not run.
   */
  async start({ listen, runReady = true }: { listen: boolean; runReady?: boolean }): Promise<void> {
    this.startedAt = Date.now();
    const plan = planLoad(this.discover(), this.config.plugins.disabled);
    this.statuses = plan.statuses;
    for (const s of this.statuses.filter((x) => x.state === 'disabled' && x.error)) {
      this.logger.warn({ plugin: s.id }, `Plugin disabled: ${s.error}`);
    }

    const configs = new Map<string, unknown>();
    for (const c of plan.plugins) {
      const schema = c.definition.config;
      const raw = this.config.sections[c.definition.id] ?? {};
      if (!schema) {
        configs.set(c.definition.id, raw);
        continue;
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw describeConfigIssue(parsed.error, c.definition.id);
      configs.set(c.definition.id, parsed.data);
    }
    const knownSections = new Set([...this.statuses.map((s) => s.id), ...plan.plugins.flatMap((c) => c.definition.configSections ?? [])]);
    for (const section of Object.keys(this.config.sections)) {
      if (!knownSections.has(section)) this.logger.warn(`Config key "${section}" matches no kernel setting and no installed plugin; ignored`);
    }

    for (const c of [...plan.plugins, ...plan.modules]) this.definitions.set(c.definition.id, c.definition);
    const extensionPoints = this.runRegister(plan.plugins);
    for (const [id, { owner }] of extensionPoints) this.extensionPointOwners.set(id, owner);
    await this.runModules(plan.modules, extensionPoints);
    let plugins = plan.plugins.filter((c) => this.isActive(c.definition.id));

    this.dataSourceValue = await this.openDatabase(plugins);
    this.container.register(KernelTokens.Config, { useValue: this.config });
    this.container.register(KernelTokens.Logger, { useValue: this.logger });
    this.container.register(KernelTokens.DataSource, { useValue: this.dataSourceValue });
    this.container.register(KernelTokens.Clock, { useValue: { now: () => new Date() } });
    this.container.register(KernelTokens.Vault, { useValue: SecretVault.fromKeyFile(this.config.vault.keyFile) });
    this.clusterValue = await startCluster(this.config, this.dataSourceValue, this.logger.child({ component: 'cluster' }));
    this.container.register(KernelTokens.Cluster, { useValue: this.clusterValue });

    for (const route of kernelRoutes({
      readiness: () => checkReadiness({ phase: () => this.phase, dataSource: () => this.dataSourceValue, databaseFile: this.config.database.kind === 'sqlite' ? this.config.database.file : undefined, openedFile: () => this.openedDatabaseFile }),
      status: () => this.status(),
      plugins: () => this.pluginReport(),
      openApi: () => buildOpenApi(this.routes.all(), { title: 'Tomo API', version: this.options.version ?? KERNEL_VERSION }),
      manifest: (principal) => this.ui.manifest(principal),
    })) {
      this.routes.add({ owner: 'kernel', raw: false, definition: route });
    }

    for (const candidate of plugins) {
      // A dependency whose init failed was disabled after the load plan was made.
      const failed = (candidate.definition.dependsOn ?? []).find((dep) => !this.isActive(dep));
      if (failed) {
        refuse(this.statuses, candidate, `Plugin "${candidate.definition.id}" depends on "${failed}", which failed to start`);
        continue;
      }
      await this.initPlugin(candidate, configs.get(candidate.definition.id));
    }
    plugins = plugins.filter((c) => this.isActive(c.definition.id));

    this.mcp = new McpEndpoint(this.tools, this.hooks, this.logger.child({ component: 'mcp' }), { name: 'tomo', version: this.options.version ?? KERNEL_VERSION }, this.config.mcp.sessionIdleMs, this.options.checkResponses ?? false, this.mcpMetrics);
    if (listen) await this.listen();
    if (runReady) {
      for (const p of this.active) {
        await p.definition.ready?.(p.context);
        await p.lifecycle.runReady();
      }
    }
    await this.hooks.of(kernelHooks).started.promise({ url: this.url, plugins: this.active.map((p) => p.definition.id) });
    if (this.phase === 'starting') this.phase = 'started';
    this.logger.info({ url: this.url, plugins: this.active.map((p) => p.definition.id) }, listen ? `Tomo listening on ${this.url}` : 'Tomo kernel started');
  }

  private isActive(id: string): boolean {
    return this.statuses.some((s) => s.id === id && s.state === 'active');
  }

  private runRegister(plugins: Array<Candidate<PluginDefinition>>): Map<string, { owner: string; impl: unknown }> {
    const points = new Map<string, { owner: string; impl: unknown }>();
    for (const c of plugins) {
      const owner = c.definition.id;
      try {
        const container = this.container.createChildContainer();
        this.pluginContainers.set(owner, container);
        const registered = c.definition.register?.({
          pluginId: owner,
          container,
          registerExtensionPoint(ref, impl) {
            if (!ref.id.startsWith(`${owner}.`)) throw new PluginLoadError(`Plugin "${owner}" cannot provide extension point "${ref.id}": its id must start with "${owner}."`, owner);
            if (points.has(ref.id)) throw new PluginLoadError(`Extension point "${ref.id}" is provided twice by "${owner}"`, owner);
            points.set(ref.id, { owner, impl });
          },
        });
        this.registered.set(owner, registered);
      } catch (err) {
        refuse(this.statuses, c, `Plugin "${owner}" failed in register: ${(err as Error).message}`);
      }
    }
    return points;
  }

  private async runModules(modules: Array<Candidate<PluginModuleDefinition>>, points: Map<string, { owner: string; impl: unknown }>): Promise<void> {
    for (const c of modules) {
      const m = c.definition;
      if (!this.isActive(m.targetPlugin)) {
        refuse(this.statuses, c, `Module "${m.id}" extends "${m.targetPlugin}", which is not active`);
        continue;
      }
      try {
        await m.register({
          moduleId: m.id,
          logger: this.logger.child({ module: m.id }),
          getExtensionPoint<T>(ref: { id: string }): T {
            const point = points.get(ref.id);
            if (!point) throw new PluginLoadError(`Module "${m.id}": no extension point "${ref.id}"`, m.id);
            if (point.owner !== m.targetPlugin) throw new PluginLoadError(`Module "${m.id}" targets "${m.targetPlugin}" but asked for "${ref.id}" of "${point.owner}"`, m.id);
            return point.impl as T;
          },
        });
      } catch (err) {
        refuse(this.statuses, c, `Module "${m.id}" failed in register: ${(err as Error).message}`);
      }
    }
  }

  private async openDatabase(plugins: Array<Candidate<PluginDefinition>>): Promise<DataSource> {
    const entities: EntityType[] = [];
    const migrations: ClassType[] = [];
    const migrationOwners = new Map<string, string>();
    for (const { definition } of plugins) {
      entities.push(...(definition.entities ?? []));
      for (const migration of definition.migrations ?? []) {
        const name = (migration as { name: string }).name;
        const other = migrationOwners.get(name);
        if (other) throw new PluginLoadError(`Migration "${name}" is provided by both "${other}" and "${definition.id}"`, definition.id);
        migrationOwners.set(name, definition.id);
        migrations.push(migration);
      }
    }
    const database = this.config.database;
    const dataSource = createDataSource({ database, entities, migrations });
    await dataSource.initialize();
    if (database.kind === 'sqlite') {
      const { dev, ino } = fs.statSync(database.file);
      this.openedDatabaseFile = { dev, ino };
    }
    const applied = await runMigrationsOnce(dataSource);
    if (applied.length) this.logger.info({ migrations: applied.map((m) => m.name) }, `Applied ${applied.length} database migration(s)`);
    return dataSource;
  }

  private async initPlugin(c: Candidate<PluginDefinition>, config: unknown): Promise<void> {
    const def = c.definition;
    const { context, staged, lifecycle } = createPluginContext({
      pluginId: def.id,
      config,
      kernelConfig: this.config,
      logger: this.logger.child({ plugin: def.id }),
      rootContainer: this.container,
      container: this.pluginContainers.get(def.id),
      hooks: this.hooks,
      dataSource: this.dataSource,
      requireToolPrefix: !c.source.builtin,
      metrics: this.metricsRegistry.forOwner(def.id),
    });
    try {
      try {
        const deps = resolveDeps(def.id, def.deps, context.container);
        await def.init?.(context, deps, this.registered.get(def.id));
      } finally {
        staged.close();
      }
      this.routes.check(staged.routes);
      this.tools.check(staged.tools);
      const uiWarning = def.ui ? this.ui.add(def.id, def.version, def.ui) : undefined;
      if (uiWarning) this.logger.warn(uiWarning);
    } catch (err) {
      const message = err instanceof PluginLoadError ? err.message : `Plugin "${def.id}" failed to start: ${(err as Error).message}`;
      // Whatever init opened before it failed (a connection pool, a timer) is closed again, before
      // a refused built-in stops start-up.
      await lifecycle.runShutdown();
      refuse(this.statuses, c, message);
      this.logger.error({ plugin: def.id }, message);
      return;
    }
    for (const route of staged.routes) this.routes.add(route);
    for (const tool of staged.tools) this.tools.add(tool);
    staged.commitTaps();
    this.active.push({ definition: def, context: context as PluginContext, lifecycle });
  }

  private async listen(): Promise<void> {
    const shell = new ShellFiles(this.options.uiShellDir, this.ui);
    const app = createHttpApp({
      routes: this.routes,
      mcp: this.mcp as McpEndpoint,
      shell,
      hooks: this.hooks,
      log: this.logger,
      bodyLimitBytes: this.config.server.bodyLimitBytes,
      trustProxy: this.config.server.trustProxy,
      checkResponses: this.options.checkResponses ?? false,
      metrics: this.metricsRegistry,
      metricsAllowFrom: this.config.metrics.allowFrom,
      wss: () => this.webSocketServer(),
      publicUrl: this.config.server.publicUrl,
    });
    this.server = http.createServer(app.callback());
    routeUpgrades(this.server, app);
    this.server.requestTimeout = 60000;
    // An idle keep-alive connection is closed after 65 s, not Node's 5 s: the reverse proxy in
    // front of Tomo (nginx's upstream keepalive, a load balancer's 60 s idle timeout) must be the
    // side that closes first, or a request it sends at the moment Tomo closes is reset and its
    // user gets a 502. The same race hit clients that were slow to send their next request.
    this.server.keepAliveTimeout = 65000;
    this.sockets = trackSockets(this.server);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, this.config.server.host, this.config.server.port)));
      this.server!.listen(this.config.server.port, this.config.server.host, () => resolve());
    });
  }

  /** Every plugin and module: state (disabled ones with the reason) and what each contributes. */
  pluginReport(): PluginReport[] {
    return buildPluginReport({
      statuses: this.statuses,
      definitions: this.definitions,
      routes: this.routes.all(),
      tools: this.tools.all(),
      ui: this.ui.contributions(),
      extensionPoints: this.extensionPointOwners,
    });
  }

  /** What `/api/status` reports: version, uptime, plugins and their state, database health. */
  async status(): Promise<StatusReport> {
    let database: StatusReport['database'] = { ok: true };
    try {
      await this.dataSource.query('SELECT 1');
    } catch (err) {
      database = { ok: false, error: (err as Error).message };
    }
    return {
      version: this.options.version ?? KERNEL_VERSION,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      plugins: this.statuses.map((s) => ({ id: s.id, version: s.version, state: s.state, ...(s.error ? { error: s.error } : {}) })),
      database,
    };
  }

  /** Graceful stop: no new connections, drain in-flight requests (bounded), shut plugins down in reverse, close the database. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.phase = 'stopping';
    await this.hooks.of(kernelHooks).stopping.promise().catch((err: Error) => this.logger.error({ err }, 'stopping hook failed'));
    if (this.server) {
      const server = this.server;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      this.mcp?.drain();
      // Sockets become idle as their last response ends (the MCP streams just closed included);
      // close them as they do, or the drain would last until clients let go or the grace ends.
      const sockets = this.sockets as { closeIdle(): void };
      sockets.closeIdle();
      const sweep = setInterval(() => sockets.closeIdle(), 50);
      const grace = new Promise<void>((resolve) => setTimeout(resolve, this.config.server.shutdownGraceMs).unref());
      // Open WebSockets (terminals) are not requests in flight: they end now, going-away.
      for (const socket of this.wss?.clients ?? []) socket.close(1001, 'Tomo is stopping');
      await Promise.race([closed, grace]);
      clearInterval(sweep);
      server.closeAllConnections();
      for (const socket of this.wss?.clients ?? []) socket.terminate();
    }
    await this.mcp?.close();
    for (const p of [...this.active].reverse()) {
      await p.lifecycle.runShutdown();
      try {
        await p.definition.shutdown?.(p.context);
      } catch (err) {
        this.logger.error({ err, plugin: p.definition.id }, 'Plugin shutdown failed');
      }
    }
    await this.clusterValue?.stop();
    if (this.dataSourceValue?.isInitialized) await this.dataSourceValue.destroy();
    this.logger.info('Tomo stopped');
    if (!this.options.logger) closeLogger(this.logger);
  }
}

/** Registers a provider on the kernel's root container (for embedders and tests). */
export { registerProvider };

/**
 * Why the HTTP server could not listen, as one line naming the setting to change (the CLI prints
 * a ConfigError without a stack trace); other errors pass through.
 */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (err.code === 'EADDRINUSE') return new ConfigError(`Cannot listen on ${where}: the port is in use (another Tomo, or another program); choose another with server.port or TOMO_PORT`, 'server.port');
  if (err.code === 'EACCES') return new ConfigError(`Cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose another with server.port or TOMO_PORT`, 'server.port');
  if (err.code === 'EADDRNOTAVAIL') return new ConfigError(`Cannot listen on ${where}: this machine has no such address; set server.host or TOMO_HOST`, 'server.host');
  return err;
}
