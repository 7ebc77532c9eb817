import { randomUUID } from 'node:crypto';
import { ContainerShells } from '../terminal/container-shells';
import type { ContainerShellTarget } from '../terminal/container-shell-types';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import type Docker from 'dockerode';
import { In, type DataSource, type Repository } from 'typeorm';
import { AppError, badRequest, conflict, forbidden, notFound, ownerScope, requireOwned, type CallContext, type Cluster, type HookRegistry, type Principal, type SecretVault } from '@tomo/kernel';
import type { PreparationApi } from '@tomo/plugin-preparation/api';
import type { PublicServer, ServerHandle, ServerService } from '@tomo/plugin-servers/api';
import type { AppsApi } from '../apps-api';
import { appsHooks } from '../hooks';
import type { AppDefinition } from '../catalog/definition-schema';
import type { AppsConfig } from '../config';
import { InstallationEntity } from '../entities/installation.entity';
import { buildContainerSpec, checkServerFit, containerNameFor, dataDirFor, findPortConflicts, parseProcNetListening, publishedPortsOfContainers, resolveInstallRequest, type ResolvedInstall } from '../install';
import type { InstallationState, InstallationView, InstalledServiceView, InstallRequest, InstallStepView, InstallTargetView, PreflightView, RecordedInstallation } from '../views';
import type { CatalogService } from './catalog-service';
import { DOCKER_SOCKET, type EngineAccess, type ServerEngine } from './engine-access';
import { initialProgress, InstallProgress } from './install-progress';
import { uninstallSteps } from './uninstall-steps';
import { reconcileState, type ContainerSnapshot, type EngineView } from './installation-state';
import { serviceState } from '../compose/project-state';
import { PROJECT_LABEL, SERVICE_LABEL, type ComposeProgram } from '../compose/compose-argv';
import { toInstallationView } from './installation-view';
import { engineMessage, engineStatus, InstallFailure, runInstall, type InstallPlan, type InstallTimings } from './installer';
import { deleteDataDir } from './delete-data';
import type { ComposeRunner } from '../compose/compose-runner';
import { chooseDeployment, composeProgramOf, recordedCompose, type DeploymentChoice } from '../compose/compose-support';
import { composeFileFor, ComposeOperations } from '../compose/compose-operations';
import { composeProjectFor, mainContainerName } from '../compose/project-input';
import { runComposeInstall, type ComposePlan } from '../compose/compose-install';
import { localDigest } from '../updates/image-digests';
import { deleteSnapshotFolder } from '../updates/snapshots';

type Recorded = InstallationEntity['state'];

/** What an uninstall did; `dataError` says why asked-for data deletion did not complete. */
export interface UninstallResult {
  removed: true;
  dataDeleted: boolean;
  dataError?: string;
}

/** A field error of an install request. */
interface FieldError {
  field: string;
  message: string;
  /** 400 (bad input), 403 (admin only), 404 (server), 409 (state: not prepared, port taken), 502 (engine). */
  status: number;
}

/** Everything the checks decided, for an install to go ahead. */
interface CheckedRequest {
  server: PublicServer;
  /** The server's engine, through the operation's handle (re-used by the install that follows). */
  engine: ServerEngine;
  app: AppDefinition;
  resolved: ResolvedInstall;
  /** The server has less memory than the app wants, and the like: shown, not enforced. */
  fitWarnings: string[];
  /** How it will be deployed there (never `refused`: that is an error of the check). */
  deployment: Exclude<DeploymentChoice, { kind: 'refused' }>;
}

const MANAGED_LABEL = 'io.tomo.managed=true';

/**
 * Installations of catalog apps on prepared servers: the checks before anything is created, the
 * install in the background with its progress, the state reconciled with the engine, start, stop
 * and uninstall. Every operation takes one server handle first (ownership checked once: another
 * user's ids are 404s) and does all its SSH and Docker work through it.
 */
export class AppsService implements AppsApi {
  private readonly repo: Repository<InstallationEntity>;
  /** Installs and removals in flight (installation ids), so two operations never race on one app. */
  private readonly busy = new Set<string>();
  /** Per server, the tail of the chain that serialises "check ports, then record the install". */
  private readonly serverLocks = new Map<string, Promise<unknown>>();
  private readonly running = new Map<string, Promise<void>>();
  /** Timings of the last install per installation id (for the benchmark and the log). */
  readonly lastTimings = new Map<string, InstallTimings>();

  constructor(
    dataSource: DataSource,
    private readonly servers: ServerService,
    private readonly preparation: PreparationApi,
    private readonly catalog: CatalogService,
    private readonly engine: EngineAccess,
    private readonly vault: SecretVault,
    private readonly hooks: HookRegistry,
    private readonly log: Logger,
    private readonly config: AppsConfig,
    /** Which instance this is, and which run now (several instances on one PostgreSQL database). */
    private readonly instances: Pick<Cluster, 'instance' | 'liveInstances'> = { instance: 'local', liveInstances: async () => ['local'] },
  ) {
    this.repo = dataSource.getRepository(InstallationEntity);
    this.composeOps = new ComposeOperations(vault, config);
    this.shells = new ContainerShells(dataSource, servers, engine);
  }

  /** Shells in containers for the browser terminal (terminal/container-shells.ts). */
  private readonly shells: ContainerShells;

  /** Compose work on an installation's project (runner, state, removal). */
  private readonly composeOps: ComposeOperations;

  // -------------------------------------------------------------------------------------------
  // Targets and checks
  // -------------------------------------------------------------------------------------------

  /** The caller's servers and whether each can take apps (preparation completed). */
  async targets(principal: Principal): Promise<InstallTargetView[]> {
    const servers = await this.servers.list(principal);
    return Promise.all(
      servers.map(async (server) => {
        const prep = await this.preparation.status(principal, server.id);
        const prepared = prep.status === 'completed';
        const detail = prepared
          ? null
          : prep.status === 'failed'
            ? `Preparation failed${prep.failedStep ? ` at ${prep.failedStep}` : ''}: prepare it again`
            : prep.status === 'in_progress'
              ? 'Preparation is running'
              : 'Not prepared yet: prepare it first';
        return { id: server.id, name: server.name, host: server.host, prepared, detail };
      }),
    );
  }

  /** Would this install be accepted? Runs every check (ports included) and creates nothing. */
  async preflight(principal: Principal, serverId: string, request: InstallRequest): Promise<PreflightView> {
    const server = await this.servers.forCaller(principal, serverId); // 404 for an unknown or foreign server
    const { errors, checked } = await this.check(principal, server, request);
    return { ok: errors.length === 0, errors: errors.map(({ field, message }) => ({ field, message })), warnings: checked ? [...checked.app.security.warnings.map((w) => w.message), ...checked.fitWarnings] : [] };
  }

  /**
   * All checks of an install, in order, stopping at the first stage that fails: the request
   * against the definition, the admin rule, the server prepared, Docker answering, host ports free.
   */
  private async check(principal: Principal, handle: ServerHandle, request: InstallRequest): Promise<{ errors: FieldError[]; checked?: CheckedRequest }> {
    const server = handle.info;
    const serverId = server.id;
    const engine = this.engine.for(handle);
    const app = typeof request.appId === 'string' ? await this.catalog.find(request.appId) : undefined;
    if (!app) return { errors: [{ field: 'appId', message: `no app "${String(request.appId)}" in the catalog`, status: 400 }] };
    const unavailable = await this.catalog.unavailable(app.id);
    if (unavailable) return { errors: [{ field: 'appId', message: `${app.name} cannot be installed: ${unavailable}`, status: 409 }] };
    const resolved = resolveInstallRequest(app, request, { isAdmin: principal.role === 'admin' });
    if (!resolved.ok) {
      const status = resolved.forbidden ? 403 : 400;
      return { errors: resolved.errors.map((p) => ({ field: p.path.map(String).join('.'), message: p.message, status })) };
    }
    const fit = checkServerFit(app, server.facts);
    const checked: CheckedRequest = { server, engine, app, resolved: resolved.value, fitWarnings: fit.warnings, deployment: { kind: 'engine' } };
    if (fit.error) return { checked, errors: [{ field: 'serverId', message: fit.error, status: 409 }] };
    const prep = await this.preparation.statusFor(handle);
    if (prep.status !== 'completed') {
      return { checked, errors: [{ field: 'serverId', message: `server "${server.name}" is not prepared (${prep.status.replace('_', ' ')}): prepare it first`, status: 409 }] };
    }
    // Before anything is asked of the server: an app only Compose can run, on a server without it.
    const deployment = chooseDeployment(app, recordedCompose(prep), server.name);
    if (deployment.kind === 'refused') return { checked, errors: [{ field: 'serverId', message: deployment.reason, status: 409 }] };
    checked.deployment = deployment;
    let containers: Awaited<ReturnType<Docker['listContainers']>>;
    try {
      containers = await engine.docker.listContainers({ all: true });
    } catch (err) {
      return { checked, errors: [{ field: 'serverId', message: `Docker on "${server.name}" is not answering at ${DOCKER_SOCKET}: ${engineMessage(err)}`, status: 502 }] };
    }
    const conflicts = findPortConflicts(resolved.value.ports, {
      listening: await this.listeningPorts(engine),
      containers: publishedPortsOfContainers(containers),
      installations: await this.portsOfInstallations(serverId),
    });
    return { checked, errors: conflicts.map((p) => ({ field: p.path.map(String).join('.'), message: p.message, status: 409 })) };
  }

  /** Ports with a listening socket on the server, from /proc (read-only, argv only). */
  private async listeningPorts(engine: ServerEngine): Promise<{ tcp: Set<number>; udp: Set<number> }> {
    // A file may be missing (IPv6 disabled): cat still prints the others and exits non-zero.
    const tcp = await engine.exec(['cat', '/proc/net/tcp', '/proc/net/tcp6']);
    const udp = await engine.exec(['cat', '/proc/net/udp', '/proc/net/udp6']);
    return { tcp: parseProcNetListening(tcp.stdout, 'tcp'), udp: parseProcNetListening(udp.stdout, 'udp') };
  }

  /** Host ports held by Tomo's installations on the server (stopped ones too: they will want them back). */
  private async portsOfInstallations(serverId: string): Promise<Array<{ port: number; protocol: 'tcp' | 'udp'; holder: string }>> {
    const rows = await this.repo.find({ where: { serverId, state: In(['installing', 'running', 'stopped', 'removing']) } });
    return rows.flatMap((row) =>
      (JSON.parse(row.portsJson) as Array<{ host: number; protocol: 'tcp' | 'udp' }>).map((p) => ({ port: p.host, protocol: p.protocol, holder: `Tomo app "${row.appName}" (${row.containerName})` })),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Install
  // -------------------------------------------------------------------------------------------

  /**
   * Checks the request (nothing is created when a check fails: 4xx naming the field), records the
   * installation and runs the install in the background; poll {@link get} for its progress.
   */
  async install(principal: Principal, serverId: string, request: InstallRequest, call: CallContext): Promise<InstallationView> {
    // One handle for the whole install, checks and background work: one ownership check, one decrypt.
    const handle = await this.servers.forCaller(principal, serverId);
    // Checks and the insert are serialised per server, so two installs cannot both take a free port.
    return this.withServerLock(serverId, async () => {
      const { errors, checked } = await this.check(principal, handle, request);
      if (errors.length > 0) throw toAppError(errors);
      const { server, engine, app, resolved, deployment } = checked!;
      const id = randomUUID();
      const containerName = containerNameFor(app.id, id);
      const dataDir = dataDirFor(this.config.dataRoot, containerName);
      const compose = deployment.kind === 'compose' ? { ...composeProjectFor({ app, resolved, installationId: id, serverId, dataDir }), program: deployment.program } : undefined;
      const composeFile = compose ? composeFileFor(await ComposeOperations.homeOf(handle), compose.projectName) : null;
      const secrets: Record<string, string> = {};
      const plain: Record<string, string> = {};
      for (const [name, value] of Object.entries(resolved.env)) (resolved.secretNames.includes(name) ? secrets : plain)[name] = value;
      const progress = initialProgress();
      progress[0] = { ...progress[0], state: 'done', detail: `${server.name} is prepared, Docker answers, ports are free` };
      const now = new Date();
      const entity = this.repo.create({
        id,
        serverId,
        ownerId: server.ownerId,
        appId: app.id,
        appName: app.name,
        image: app.image,
        containerName: compose ? mainContainerName(compose) : containerName,
        containerId: null,
        state: 'installing',
        error: null,
        portsJson: JSON.stringify(resolved.ports),
        settingsJson: JSON.stringify(plain),
        secretNamesJson: JSON.stringify(resolved.secretNames),
        secretsSealed: Object.keys(secrets).length > 0 ? this.vault.seal(JSON.stringify(secrets), id) : null,
        capabilitiesJson: JSON.stringify(resolved.capabilities),
        definitionJson: JSON.stringify(app),
        dataDir,
        deployment: deployment.kind,
        projectName: compose?.projectName ?? null,
        servicesJson: compose ? JSON.stringify(compose.services.map((s) => s.name)) : null,
        composeFile,
        progressJson: JSON.stringify(progress),
        createdBy: principal.id,
        operatorInstance: this.instances.instance,
        createdAt: now,
        updatedAt: now,
      });
      await this.repo.insert(entity);
      this.busy.add(id);
      const plan: InstallPlan | ComposePlan = compose
        ? { app, program: compose.program, yaml: compose.yaml, holdsSecrets: compose.holdsSecrets, services: compose.services, ports: resolved.ports }
        : { serverId, app, spec: buildContainerSpec({ app, resolved, installationId: id, serverId, containerName, dataDir }), ports: resolved.ports };
      const job = this.runInBackground(entity, plan, engine, call).finally(() => {
        this.busy.delete(id);
        // An uninstall may have started while the install's hooks ran: its entry stays.
        if (this.running.get(id) === job) this.running.delete(id);
      });
      this.running.set(id, job);
      return toInstallationView(entity, { state: 'installing', detail: null }, server.host);
    });
  }

  private async runInBackground(entity: InstallationEntity, plan: InstallPlan | ComposePlan, engine: ServerEngine, call: CallContext): Promise<void> {
    const progress = new InstallProgress(JSON.parse(entity.progressJson), (steps) => this.save(entity, { progressJson: JSON.stringify(steps) }));
    this.liveProgress.set(entity.id, progress);
    try {
      if ('yaml' in plan) {
        const runner = this.composeOps.runner(engine.server, entity, plan.program);
        const { timings, containerId } = await runComposeInstall(plan, runner, engine, progress, { pullTimeoutMs: this.config.pullTimeoutMs });
        this.lastTimings.set(entity.id, timings);
        await this.save(entity, { state: 'running', containerId, imageDigestsJson: await this.digestsOf(engine, plan) });
      } else {
        const { containerId, timings } = await runInstall(plan, engine, progress, {
          pullTimeoutMs: this.config.pullTimeoutMs,
          onContainer: (containerId) => this.save(entity, { containerId }),
        });
        this.lastTimings.set(entity.id, timings);
        await this.save(entity, { state: 'running', containerId, imageDigestsJson: await this.digestsOf(engine, plan) });
      }
      this.log.info({ installationId: entity.id, app: entity.appId, serverId: entity.serverId, deployment: entity.deployment, ...roundTimings(this.lastTimings.get(entity.id)!) }, 'App installed');
    } catch (err) {
      const message = err instanceof InstallFailure || err instanceof AppError ? err.message : `Unexpected error: ${(err as Error).message}`;
      if (!(err instanceof InstallFailure)) this.log.error({ err, installationId: entity.id }, 'Install failed unexpectedly');
      const failedStep = progress.current();
      await progress.set(failedStep, 'failed', message).catch(() => undefined);
      await this.save(entity, { state: 'failed', error: message.slice(0, 2000), containerId: null }).catch(() => undefined);
      this.log.warn({ installationId: entity.id, app: entity.appId, serverId: entity.serverId, step: failedStep }, `App install failed: ${message}`);
    } finally {
      this.liveProgress.delete(entity.id);
      // Its final state is saved: start, stop and uninstall may act on it from now (the hooks below need not finish first).
      this.busy.delete(entity.id);
    }
    const view = toInstallationView(entity, { state: entity.state, detail: null }, engine.server.info.host);
    await this.hooks.of(appsHooks).installFinished.promise({ installation: view, call }).catch((err: Error) => this.log.error({ err }, 'installFinished hook failed'));
  }

  /**
   * The digest each service's image has on the server (JSON), so an update can compare with the
   * registry and roll back to it; taken before the install is saved as running, so that a running
   * installation is never still busy.
   */
  private async digestsOf(engine: ServerEngine, plan: InstallPlan | ComposePlan): Promise<string> {
    const services = 'yaml' in plan ? plan.services.map((x) => ({ service: x.name, image: x.image })) : [{ service: plan.app.id, image: plan.app.image }];
    const images = await Promise.all(services.map(async (x) => ({ ...x, digest: await localDigest(engine.docker, x.image).catch(() => null) })));
    return JSON.stringify(images);
  }

  /** Progress of installs in flight (fresher than the saved copy: pull progress lines). */
  private readonly liveProgress = new Map<string, InstallProgress>();

  /**
   * Follows an install in flight: `onProgress` gets the steps on every change, and `done`
   * resolves when the install is over (at once when none runs). `stop()` unsubscribes early.
   */
  followInstall(installationId: string, onProgress: (steps: InstallStepView[]) => void): { done: Promise<void>; stop: () => void } {
    const progress = this.liveProgress.get(installationId);
    const job = this.running.get(installationId) ?? Promise.resolve();
    progress?.changes.on('change', onProgress);
    const stop = () => void progress?.changes.off('change', onProgress);
    return { done: job.then(stop, stop), stop };
  }

  /** Resolves when the installation's background install (if any) is over. */
  async waitFor(installationId: string): Promise<void> {
    await this.running.get(installationId);
  }

  containerShell(principal: Principal, installationId: string, service?: string): Promise<ContainerShellTarget> {
    return this.shells.target(principal, installationId, service);
  }

  // -------------------------------------------------------------------------------------------
  // Read
  // -------------------------------------------------------------------------------------------

  /** The caller's installations (on one server, or all), with their state checked against the engine. */
  async list(principal: Principal, serverId?: string): Promise<InstallationView[]> {
    const handle = serverId ? await this.servers.forCaller(principal, serverId) : undefined;
    const inFlight = this.operationsNow();
    const rows = await this.repo.find({ where: { ...ownerScope(principal), ...(serverId ? { serverId } : {}) }, order: { createdAt: 'ASC' } });
    return this.views(rows, (id) => (handle && id === handle.info.id ? Promise.resolve(handle) : this.servers.forCaller(principal, id)), inFlight);
  }

  async get(principal: Principal, installationId: string): Promise<InstallationView> {
    const inFlight = this.operationsNow();
    const row = await this.owned(principal, installationId);
    return (await this.views([row], (id) => this.servers.forCaller(principal, id), inFlight))[0];
  }

  /** Every installation on a server with its state checked against the engine, for Tomo's own jobs (the monitoring poller's crash check). */
  async listForSystem(serverId: string): Promise<InstallationView[]> {
    const handle = await this.servers.forSystem(serverId);
    const inFlight = this.operationsNow();
    const rows = await this.repo.find({ where: { serverId }, order: { createdAt: 'ASC' } });
    return this.views(rows, async () => handle, inFlight);
  }

  /** A server's installations as recorded (no Docker call, no ownership check: for Tomo's own jobs). */
  async recorded(serverId: string): Promise<RecordedInstallation[]> {
    return (await this.repo.find({ where: { serverId }, order: { createdAt: 'ASC' } })).map((row) => this.toRecorded(row));
  }

  /** One installation as recorded, if the principal may see it (404 otherwise); no Docker call. */
  async recordedOwned(principal: Principal, installationId: string): Promise<RecordedInstallation> {
    return this.toRecorded(await this.owned(principal, installationId));
  }

  /** The caller's installations of one app on one server, as recorded (ownership by the rows' owner, as `list`). */
  async recordedOwnedOf(principal: Principal, serverId: string, appId: string): Promise<RecordedInstallation[]> {
    const rows = await this.repo.find({ where: { ...ownerScope(principal), serverId, appId }, order: { createdAt: 'ASC' } });
    return rows.map((row) => this.toRecorded(row));
  }

  private toRecorded(row: InstallationEntity): RecordedInstallation {
    const { id, serverId, ownerId, appId, appName, containerName, containerId, state } = row;
    return { id, serverId, ownerId, appId, appName, containerName, containerId, state, busy: this.busy.has(id) };
  }

  private async owned(principal: Principal, installationId: string): Promise<InstallationEntity> {
    return requireOwned(principal, await this.repo.findOneBy({ id: installationId }), 'Installation');
  }

  /**
   * The updates and rollbacks in flight now. A reader takes this BEFORE it loads rows: an operation
   * that ends while the rows load or the engine is asked must still show as running with those
   * rows, or a row read before the operation saved its result would be shown as settled (a
   * client polling for `operation: null` then read the previous result: seen as a flaky e2e test).
   */
  private operationsNow(): ReadonlyMap<string, 'update' | 'rollback'> {
    return new Map(this.operations);
  }

  /** Views of rows with their state checked against each server's engine, through one handle per server. */
  private async views(rows: InstallationEntity[], handleFor: (serverId: string) => Promise<ServerHandle>, inFlight: ReadonlyMap<string, 'update' | 'rollback'> = this.operationsNow()): Promise<InstallationView[]> {
    const serverIds = [...new Set(rows.map((r) => r.serverId))];
    const servers = new Map<string, PublicServer>();
    const engines = new Map<string, EngineView>();
    await Promise.all(
      serverIds.map(async (id) => {
        const handle = await handleFor(id);
        servers.set(id, handle.info);
        const needsEngine = rows.some((r) => r.serverId === id && (r.state === 'running' || r.state === 'stopped'));
        const withCompose = rows.some((r) => r.serverId === id && r.deployment === 'compose' && (r.state === 'running' || r.state === 'stopped'));
        if (needsEngine) engines.set(id, await this.engineView(this.engine.for(handle), withCompose));
      }),
    );
    return rows.map((row) => {
      const live = this.liveProgress.get(row.id);
      const entity = live ? Object.assign(Object.create(Object.getPrototypeOf(row)), row, { progressJson: JSON.stringify(live.steps) }) : row;
      const engine = engines.get(row.serverId) ?? { ok: false, reason: 'not asked' };
      const state = row.deployment === 'compose' ? this.composeOps.state(row, engine) : this.engineState(row, engine);
      return toInstallationView(entity, state, servers.get(row.serverId)!.host, inFlight.get(row.id) ?? null);
    });
  }

  /** An installation of one container made through the Engine API: its state, as its only service (named after the app). */
  private engineState(row: InstallationEntity, engine: EngineView): { state: InstallationState; detail: string | null; services: InstalledServiceView[] } {
    const state = reconcileState(row.id, row.state, engine);
    const container = engine.ok ? engine.containers.get(row.id) : undefined;
    const asked = engine.ok && (row.state === 'running' || row.state === 'stopped');
    return { ...state, services: asked ? [serviceState(row.appId, row.state as 'running' | 'stopped', container)] : [] };
  }

  /**
   * One or two calls per server: every Tomo-managed container (the `engine` installations), and
   * with `withCompose` every Compose project's containers, by project and service.
   */
  private async engineView(engine: ServerEngine, withCompose: boolean): Promise<EngineView> {
    try {
      const [list, composeList] = await Promise.all([
        engine.docker.listContainers({ all: true, filters: { label: [MANAGED_LABEL] } }),
        withCompose ? engine.docker.listContainers({ all: true, filters: { label: [PROJECT_LABEL] } }) : Promise.resolve([]),
      ]);
      const containers = new Map<string, ContainerSnapshot>();
      for (const c of list) {
        const id = c.Labels?.['io.tomo.installation'];
        // A Compose project's containers may carry Tomo's labels too: they are read by project below.
        if (id && !c.Labels?.[PROJECT_LABEL]) containers.set(id, { state: c.State, status: c.Status });
      }
      const projects = new Map<string, Map<string, ContainerSnapshot>>();
      for (const c of composeList) {
        const project = c.Labels?.[PROJECT_LABEL];
        const service = c.Labels?.[SERVICE_LABEL];
        if (!project || !service) continue;
        if (!projects.has(project)) projects.set(project, new Map());
        projects.get(project)!.set(service, { state: c.State, status: c.Status });
      }
      return { ok: true, containers, projects };
    } catch (err) {
      return { ok: false, reason: `Docker on the server could not be asked: ${engineMessage(err)}` };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Start, stop, uninstall
  // -------------------------------------------------------------------------------------------

  async start(principal: Principal, installationId: string, call: CallContext): Promise<InstallationView> {
    return this.startOrStop(principal, installationId, 'start', call);
  }

  async stop(principal: Principal, installationId: string, call: CallContext): Promise<InstallationView> {
    return this.startOrStop(principal, installationId, 'stop', call);
  }

  private async startOrStop(principal: Principal, installationId: string, action: 'start' | 'stop', call: CallContext): Promise<InstallationView> {
    const row = await this.owned(principal, installationId);
    if (row.state === 'installing' || row.state === 'removing' || this.busy.has(row.id)) throw conflict(`${row.appName} is being ${row.state === 'removing' ? 'removed' : 'installed'}; wait for it to finish`);
    if (row.state === 'failed') throw conflict(`${row.appName} failed to install: uninstall it and install it again`);
    const handle = await this.servers.forCaller(principal, row.serverId);
    this.busy.add(row.id);
    try {
      if (row.deployment === 'compose') {
        const runner = this.composeOps.runner(handle, row, await this.composeProgram(handle));
        await (action === 'start' ? runner.start() : runner.stop()).catch((err: Error) => {
          throw new AppError(502, 'compose_failed', `Docker Compose could not ${action} ${row.appName}: ${err.message}`);
        });
      } else {
        const container = this.engine.for(handle).docker.getContainer(row.containerId ?? row.containerName);
        if (action === 'start') await container.start();
        else await container.stop({ t: this.config.stopTimeoutSeconds });
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      // 304: already in that state, which is what was asked.
      if (engineStatus(err) === 404) throw conflict(`The container of ${row.appName} is gone (removed outside Tomo): uninstall it and install it again`);
      if (engineStatus(err) !== 304) throw new AppError(502, 'engine_failed', `Docker could not ${action} ${row.appName}: ${engineMessage(err)}`);
    } finally {
      this.busy.delete(row.id);
    }
    await this.save(row, { state: action === 'start' ? 'running' : 'stopped' });
    const [view] = await this.views([row], async () => handle);
    const hooks = this.hooks.of(appsHooks);
    await (action === 'start' ? hooks.appStarted : hooks.appStopped).promise({ installation: view, call });
    return view;
  }

  /**
   * Stops and removes the container and forgets the installation; with `deleteData`, the app's
   * data folder on the server goes too. A failure leaves the record (state as before) and says why.
   * Its steps are followed over the installation's event stream while the request runs.
   */
  async uninstall(principal: Principal, installationId: string, deleteData: boolean, call: CallContext): Promise<UninstallResult> {
    const row = await this.owned(principal, installationId);
    if (this.busy.has(row.id)) throw conflict(`${row.appName} is busy (installing, starting or stopping); try again when it is done`);
    const handle = await this.servers.forCaller(principal, row.serverId);
    const engine = this.engine.for(handle);
    const previous: Recorded = row.state;
    this.busy.add(row.id);
    // Kept in memory only: the record goes at the end, and a failed uninstall leaves the install's own steps saved.
    const progress = new InstallProgress(uninstallSteps(deleteData, row.dataDir), async () => undefined);
    let finished!: () => void;
    this.liveProgress.set(row.id, progress);
    this.running.set(row.id, new Promise<void>((resolve) => (finished = resolve)));
    this.operationStarts.emit(row.id);
    try {
      await this.save(row, { state: 'removing', operatorInstance: this.instances.instance });
      await progress.set('remove', 'running');
      if (row.deployment === 'compose') {
        // The whole project: containers, network, and with the data its named volumes; then its folder.
        await this.composeOps.remove(handle, engine, row, deleteData, await this.composeProgram(handle));
      } else {
        try {
          await engine.docker.getContainer(row.containerId ?? row.containerName).remove({ force: true, v: false });
        } catch (err) {
          if (engineStatus(err) !== 404) throw new AppError(502, 'engine_failed', `Docker could not remove ${row.appName}: ${engineMessage(err)}`);
        }
      }
      await progress.set('remove', 'done', row.deployment === 'compose' ? `Project ${row.projectName ?? row.containerName} removed` : `Container ${row.containerName} removed`);
      // The app is gone from here on: a data folder that cannot be deleted is reported, not a reason to keep the record.
      let dataError: string | undefined;
      if (deleteData) {
        await progress.set('data', 'running');
        await deleteDataDir(engine, { dataDir: row.dataDir, dataRoot: path.posix.dirname(row.dataDir), image: row.image }).catch((err: Error) => {
          dataError = err.message;
        });
        // The update snapshots are the app's data too.
        if (row.snapshotsJson && row.snapshotsJson !== '[]') {
          await deleteSnapshotFolder(engine, row.dataDir, row.image).catch((err: Error) => {
            dataError ??= err.message;
          });
        }
        await progress.set('data', dataError ? 'failed' : 'done', dataError ?? `${row.dataDir} deleted`);
      }
      const view = toInstallationView(row, { state: 'removing', detail: null }, handle.info.host);
      await this.repo.delete({ id: row.id });
      const dataDeleted = deleteData && !dataError;
      await this.hooks.of(appsHooks).appUninstalled.promise({ installation: view, dataDeleted, call });
      return { removed: true, dataDeleted, ...(dataError ? { dataError } : {}) };
    } catch (err) {
      await progress.set(progress.current(), 'failed', err instanceof AppError ? err.message : 'The uninstall failed unexpectedly').catch(() => undefined);
      await this.save(row, { state: previous }).catch(() => undefined);
      throw err;
    } finally {
      this.liveProgress.delete(row.id);
      this.running.delete(row.id);
      this.busy.delete(row.id);
      finished();
    }
  }

  /** Whether an install, update, rollback or uninstall runs on the installation now. */
  inFlight(installationId: string): boolean {
    return this.running.has(installationId);
  }

  /**
   * Whether ANOTHER live instance runs an operation on the installation now (several instances on
   * one PostgreSQL database): its progress is then followed from the record the operation saves.
   * False at once when this instance ran the last operation (always the case on SQLite).
   */
  async runsElsewhere(installationId: string): Promise<boolean> {
    const row = await this.repo.findOneBy({ id: installationId });
    if (!row?.operatorInstance || row.operatorInstance === this.instances.instance) return false;
    const steps = JSON.parse(row.progressJson) as InstallStepView[];
    const inProgress = row.state === 'installing' || row.state === 'removing' || steps.some((s) => s.state === 'running');
    return inProgress && (await this.liveInstances()).has(row.operatorInstance);
  }

  /** Emits an installation's id when an update, rollback or uninstall of it starts (streams waiting for the next one). */
  private readonly operationStarts = new EventEmitter().setMaxListeners(0);

  /** Calls `onStart` once, when the next update, rollback or uninstall of the installation starts; returns the unsubscribe. */
  onNextOperation(installationId: string, onStart: () => void): () => void {
    this.operationStarts.once(installationId, onStart);
    return () => void this.operationStarts.off(installationId, onStart);
  }

  // -------------------------------------------------------------------------------------------
  // Operations run by other services of the plugin (updates, rollbacks)
  // -------------------------------------------------------------------------------------------

  /** Updates and rollbacks in flight, by installation id (shown in the view's `updates.operation`). */
  private readonly operations = new Map<string, 'update' | 'rollback'>();

  /** The installation's record, if the principal may see it (404 otherwise). */
  ownedRecord(principal: Principal, installationId: string): Promise<InstallationEntity> {
    return this.owned(principal, installationId);
  }

  /** Every installation that runs or is stopped (Tomo's own periodic jobs). */
  settledRecords(): Promise<InstallationEntity[]> {
    return this.repo.find({ where: { state: In(['running', 'stopped']) }, order: { createdAt: 'ASC' } });
  }

  /** Saves fields of a record (the entity is changed too). */
  saveRecord(entity: InstallationEntity, patch: Partial<InstallationEntity>): Promise<void> {
    return this.save(entity, patch);
  }

  /** The runner of a Compose installation's project, with how Compose is called on its server now. */
  async composeRunnerFor(row: InstallationEntity, handle: ServerHandle): Promise<{ runner: ComposeRunner; program: ComposeProgram }> {
    const program = await this.composeProgram(handle);
    return { runner: this.composeOps.runner(handle, row, program), program };
  }

  /** The view of a record, its state checked through `handle`. */
  async viewOf(row: InstallationEntity, handle: ServerHandle): Promise<InstallationView> {
    return (await this.views([row], async () => handle))[0];
  }

  /**
   * Runs `work` in the background as the installation's one operation (no start, stop, uninstall
   * or other update meanwhile: 409), its steps saved as the installation's progress and followed
   * over the same event stream as an install. Refused when the app is not installed and settled.
   */
  startOperation(row: InstallationEntity, kind: 'update' | 'rollback', steps: InstallStepView[], work: (progress: InstallProgress) => Promise<void>): void {
    const verb = kind === 'update' ? 'updated' : 'rolled back';
    if (this.busy.has(row.id)) throw conflict(`${row.appName} is busy (${this.operations.get(row.id) ?? 'installing, starting, stopping or removing'}); try again when it is done`);
    if (row.state !== 'running' && row.state !== 'stopped') throw conflict(`${row.appName} is ${row.state}: only an installed app can be ${verb}`);
    this.busy.add(row.id);
    this.operations.set(row.id, kind);
    const progress = new InstallProgress(steps, (s) => this.save(row, { progressJson: JSON.stringify(s) }));
    this.liveProgress.set(row.id, progress);
    const job = (async () => {
      await this.save(row, { progressJson: JSON.stringify(progress.steps), operatorInstance: this.instances.instance });
      await work(progress);
    })()
      .catch((err: Error) => this.log.error({ err, installationId: row.id }, `App ${kind} failed unexpectedly`))
      .finally(() => {
        this.liveProgress.delete(row.id);
        this.operations.delete(row.id);
        this.busy.delete(row.id);
        this.running.delete(row.id);
      });
    this.running.set(row.id, job);
    this.operationStarts.emit(row.id);
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------

  /** At start: installs and removals cut off by a restart are marked failed, to be uninstalled and retried. */
  async markInterrupted(): Promise<number> {
    const live = new Set(await this.instances.liveInstances());
    const rows = (await this.repo.find({ where: { state: In(['installing', 'removing']) } })).filter((r) => !this.isOperatedBy(r, live));
    for (const row of rows) {
      const what = row.state === 'installing' ? 'install' : 'uninstall';
      await this.save(row, { state: 'failed', error: `The ${what} was interrupted by a restart of Tomo: uninstall it (any container left is removed) and install it again` });
    }
    return rows.length;
  }

  /**
   * The server is being deleted from Tomo: its installation records go (the containers stay on
   * it). Refused while an operation on one of its apps is in flight.
   */
  async forgetServer(serverId: string): Promise<void> {
    const rows = await this.repo.find({ where: { serverId } });
    if (rows.some((r) => this.busy.has(r.id))) {
      throw conflict('An app is being installed, started, stopped or removed on this server; wait for it to finish before deleting the server', 'id');
    }
    await this.repo.delete({ serverId });
  }

  /** The instances running now (this one included), for {@link isOperatedBy}. */
  async liveInstances(): Promise<Set<string>> {
    return new Set(await this.instances.liveInstances());
  }

  /**
   * Whether the operation a record says is in progress is still someone's to finish: another live
   * instance's, or one this instance runs now. Not so when its instance is gone, or is this one
   * and runs nothing on it (this one restarted: as on SQLite, where it is the only instance).
   */
  isOperatedBy(row: InstallationEntity, live: Set<string>): boolean {
    return row.operatorInstance !== null && live.has(row.operatorInstance) && (row.operatorInstance !== this.instances.instance || this.running.has(row.id));
  }

  /** Waits (bounded) for installs in flight, at shutdown. */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.running.values()]), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  /**
   * How Compose is called on the server now, as its preparation recorded it; `docker compose`
   * when the record does not say (the project was made with Compose, so the plugin is the norm).
   */
  private async composeProgram(handle: ServerHandle): Promise<ComposeProgram> {
    return composeProgramOf(recordedCompose(await this.preparation.statusFor(handle))) ?? 'docker compose';
  }

  private async save(entity: InstallationEntity, patch: Partial<InstallationEntity>): Promise<void> {
    Object.assign(entity, patch, { updatedAt: new Date() });
    await this.repo.update({ id: entity.id }, { ...patch, updatedAt: entity.updatedAt });
  }

  private withServerLock<T>(serverId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.serverLocks.get(serverId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.serverLocks.set(serverId, next.catch(() => undefined));
    return next;
  }
}

/** The first check that failed, as the HTTP/MCP error (its field named); all of them in the message when several. */
function toAppError(errors: FieldError[]): AppError {
  const first = errors[0];
  const message = errors.length === 1 ? `${first.field}: ${first.message}` : errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  if (first.status === 403) return forbidden(message);
  if (first.status === 409) return conflict(message, first.field);
  if (first.status === 404) return notFound('Server');
  if (first.status === 502) return new AppError(502, 'engine_unreachable', message, first.field);
  return badRequest(first.field, message);
}

function roundTimings(t: InstallTimings): Record<string, number> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
}
