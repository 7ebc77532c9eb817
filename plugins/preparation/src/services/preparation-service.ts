import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { badRequest, conflict, quoteShellArg, type CallContext, type Cluster, type HookRegistry, type Principal } from '@tomo/kernel';
import type { ServerHandle, ServerService } from '@tomo/plugin-servers/api';
import { preparationHooks } from '../hooks';
import type { PreparationApi } from '../preparation-api';
import { PreparationEntity } from '../entities/preparation.entity';
import type { OsPreparer, PreparationStep, Privilege, StepContext } from '../preparer-types';
import { StepFailure } from '../step-failure';
import type { ComposeStatus, DetectedOs, DockerSource, LogLine, PreparationView, StartOptions, StepState, StepView } from '../views';
import { selectPreparer } from '../preparers/select-preparer';
import { asRoot, detectOs, detectPrivilege } from './os-detection';
import type { PreparationLog } from './preparation-log';
import { SecretRedactor } from './secret-redactor';

const DETECT: StepView = { id: 'detect-os', title: 'Detect the operating system', state: 'pending' };
const TAIL_LINES = 15;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The last lines of a command's output, for an error a user can act on. */
function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
}

/**
 * Runs preparations: OS and privilege detection, the chosen preparer's plan step by step (each
 * step checked first, so a prepared server changes nothing), per-step log with secrets
 * redacted, live events, one run per server, retry from the failed step, and recovery of runs
 * cut off by a restart.
 */
export class PreparationService implements PreparationApi {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly servers: ServerService,
    private readonly preparers: readonly OsPreparer[],
    private readonly log: PreparationLog,
    private readonly hooks: HookRegistry,
    private readonly logger: Logger,
    private readonly defaults: { dockerSource: DockerSource; commandTimeoutMs: number },
    /** Which instance this is, and which run now (several instances on one PostgreSQL database). */
    private readonly instances: Pick<Cluster, 'instance' | 'liveInstances'> = { instance: 'local', liveInstances: async () => ['local'] },
  ) {}

  private get repo() {
    return this.dataSource.getRepository(PreparationEntity);
  }

  private view(entity: PreparationEntity | null, serverId: string): PreparationView {
    if (!entity) {
      return { preparationId: null, serverId, status: 'pending', currentStep: null, failedStep: null, error: null, steps: [], os: null, preparer: null, compose: null, startedAt: null, finishedAt: null };
    }
    return {
      preparationId: entity.id,
      serverId,
      status: entity.status,
      currentStep: entity.currentStep,
      failedStep: entity.failedStep,
      error: entity.error,
      steps: JSON.parse(entity.stepsJson) as StepView[],
      os: entity.osJson ? (JSON.parse(entity.osJson) as DetectedOs) : null,
      preparer: entity.preparerId,
      compose: entity.composeJson ? (JSON.parse(entity.composeJson) as ComposeStatus) : null,
      startedAt: iso(entity.startedAt),
      finishedAt: iso(entity.finishedAt),
    };
  }

  async status(principal: Principal, serverId: string): Promise<PreparationView> {
    return this.statusFor(await this.servers.forCaller(principal, serverId));
  }

  /** The status of the server behind a handle another plugin already holds (the handle is the proof of access). */
  async statusFor(server: ServerHandle): Promise<PreparationView> {
    const serverId = server.info.id;
    const view = this.view(await this.repo.findOneBy({ serverId }), serverId);
    return { ...view, recentLog: await this.log.read(serverId, { limit: 50 }) };
  }

  /** The server's preparation as saved now, without access checks (relayed to another instance's streams). */
  async currentView(serverId: string): Promise<PreparationView> {
    return this.view(await this.repo.findOneBy({ serverId }), serverId);
  }

  /** Checks ownership and returns the log lines (after `afterId`). */
  async readLog(principal: Principal, serverId: string, afterId?: number): Promise<LogLine[]> {
    await this.servers.get(principal, serverId);
    return this.log.read(serverId, { afterId });
  }

  /** True while a run for the server is in this process. */
  isRunning(serverId: string): boolean {
    return this.running.has(serverId);
  }

  /** Starts a preparation (or, with `retry`, resumes a failed one at its failed step); returns at once. */
  async start(principal: Principal, serverId: string, options: StartOptions, call: CallContext, retry = false): Promise<PreparationView> {
    // The run works through this one handle: one ownership check, the credentials opened once.
    const server = await this.servers.forCaller(principal, serverId);
    if (this.running.has(serverId)) throw conflict('A preparation of this server is already running', 'server_id');
    let entity = await this.repo.findOneBy({ serverId });
    // In progress on a live instance: refused. Cut off with an instance that is gone: a new run takes over.
    if (entity?.status === 'in_progress' && this.isOperatedBy(entity, new Set(await this.instances.liveInstances()))) {
      throw conflict('A preparation of this server is already running', 'server_id');
    }
    if (retry && entity?.status !== 'failed') throw conflict('There is no failed preparation to retry for this server', 'server_id');
    const now = new Date();
    const resumeFrom = retry ? entity?.failedStep ?? null : null;
    // A retry keeps the plan (the failed, rolled-back step waits again); a new run starts from detection and
    // forgets the previous run's OS, preparer and Compose until it has found them itself.
    const steps: StepView[] = retry && entity ? (JSON.parse(entity.stepsJson) as StepView[]).map((s) => (s.state === 'failed' || s.state === 'rolled_back' ? { ...s, state: 'pending' as const } : s)) : [{ ...DETECT }];
    const fresh = retry ? {} : { preparerId: null, osJson: null, composeJson: null };
    const patch = { status: 'in_progress' as const, currentStep: DETECT.id, failedStep: null, error: null, startedBy: principal.id, startedAt: now, finishedAt: null, updatedAt: now, stepsJson: JSON.stringify(steps), operatorInstance: this.instances.instance, ...fresh };
    if (entity) {
      await this.repo.update({ id: entity.id }, patch);
      entity = { ...entity, ...patch };
    } else {
      entity = this.repo.create({ id: randomUUID(), serverId, preparerId: null, osJson: null, composeJson: null, ...patch });
      await this.repo.insert(entity);
    }
    const run = this.execute(entity, server, options, resumeFrom, call)
      .catch((err: Error) => this.logger.error({ err, serverId }, 'Preparation runner failed'))
      .finally(() => this.running.delete(serverId));
    this.running.set(serverId, run);
    await this.hooks.of(preparationHooks).preparationStarted.promise({ serverId, preparationId: entity.id, retry, userId: principal.id, call });
    return this.view(entity, serverId);
  }

  /** Waits for the server's running preparation, if any (tests, shutdown). */
  async waitFor(serverId: string): Promise<void> {
    await this.running.get(serverId);
  }

  private async save(entity: PreparationEntity, patch: Partial<PreparationEntity>): Promise<void> {
    Object.assign(entity, patch, { updatedAt: new Date() });
    await this.repo.update({ id: entity.id }, { ...patch, updatedAt: entity.updatedAt });
    this.log.emitState(entity.serverId, this.view(entity, entity.serverId));
  }

  private async execute(entity: PreparationEntity, server: ServerHandle, options: StartOptions, resumeFrom: string | null, call: CallContext): Promise<void> {
    const serverId = entity.serverId;
    const loginPassword = await server.loginPassword();
    const sudoPassword = options.sudoPassword ?? loginPassword;
    const redactor = new SecretRedactor([loginPassword, options.sudoPassword]);
    let stepId: string | null = DETECT.id;
    // Lines are appended one after another, in call order, even when a step logs without awaiting.
    let queue: Promise<unknown> = Promise.resolve();
    const write = (message: string, level: LogLine['level'] = 'info'): Promise<void> => {
      const step = stepId;
      const next = queue.then(() => this.log.append(serverId, step, level, redactor.redact(message)));
      queue = next.catch((err: Error) => this.logger.error({ err, serverId }, 'Writing a preparation log line failed'));
      return next.then(() => undefined);
    };
    const timeoutMs = this.defaults.commandTimeoutMs;
    const run: StepContext['run'] = (argv, opts = {}) => server.exec(argv, { timeoutMs, ...opts, stdin: opts.stdin });
    let steps = JSON.parse(entity.stepsJson) as StepView[];
    // What the compose step recorded; saved with the step's state (so a `state` event carries it).
    let compose: ComposeStatus | undefined;
    const setState = async (id: string, state: StepState) => {
      steps = steps.map((s) => (s.id === id ? { ...s, state } : s));
      const recorded = compose === undefined ? {} : { composeJson: JSON.stringify(compose) };
      compose = undefined;
      await this.save(entity, { stepsJson: JSON.stringify(steps), currentStep: id, ...recorded });
    };

    try {
      await write(resumeFrom ? `Retrying from step "${resumeFrom}"` : 'Preparation started');
      await setState(DETECT.id, 'running');
      const os = await detectOs(run);
      await write(`Detected ${os.prettyName} (${os.id} ${os.versionId}, ${os.architecture})`);
      const preparer = selectPreparer(this.preparers, os);
      const privilege: Privilege = await detectPrivilege(run, sudoPassword);
      await write(`Root access: ${privilege === 'root' ? 'logged in as root' : privilege === 'sudo-nopasswd' ? 'passwordless sudo' : 'sudo with password'}; preparer: ${preparer.id}`);
      const plan = preparer.plan(os);
      // Every step is checked again on a retry: finished ones report "satisfied" and are not re-applied.
      steps = [{ ...DETECT, state: 'applied' }, ...plan.map((s) => ({ id: s.id, title: s.title, state: 'pending' as const }))];
      await this.save(entity, { stepsJson: JSON.stringify(steps), preparerId: preparer.id, osJson: JSON.stringify(os) });

      const ctx: StepContext = {
        os,
        username: (await server.exec(['id', '-un'], { timeoutMs: 15000 })).stdout.trim(),
        privilege,
        dockerSource: options.dockerSource ?? this.defaults.dockerSource,
        run: async (argv, opts) => {
          await write(`$ ${argv.map(quoteShellArg).join(' ')}`);
          return run(argv, opts);
        },
        runAsRoot: async (argv, opts = {}) => {
          const wrapped = asRoot(privilege, argv, sudoPassword, opts.stdin);
          await write(`# ${argv.map(quoteShellArg).join(' ')}`);
          return run(wrapped.argv, { ...opts, stdin: wrapped.stdin });
        },
        mustRunAsRoot: async (argv, opts = {}) => {
          const result = await ctx.runAsRoot(argv, opts);
          if (result.exitCode !== 0) {
            const output = tail(`${result.stdout}\n${result.stderr}`);
            throw new StepFailure(opts.failure ?? `"${argv.join(' ')}" failed with exit code ${result.exitCode ?? result.signal}`, redactor.redact(output));
          }
          return result;
        },
        log: (line, level = 'info') => {
          void write(line, level);
        },
        reconnect: async () => {
          server.reconnect();
        },
        recordCompose: (status) => {
          compose = status;
        },
      };

      for (const step of plan) {
        stepId = step.id;
        await setState(step.id, 'running');
        if (await this.isSatisfied(step, ctx)) {
          await write(`${step.title}: already satisfied`);
          await setState(step.id, 'satisfied');
          continue;
        }
        try {
          await step.apply(ctx);
        } catch (err) {
          if (step.rollback) {
            await write(`${step.title} failed; undoing its partial change`, 'warn');
            await step.rollback(ctx).catch((e: Error) => write(`Rollback failed: ${e.message}`, 'error'));
            await setState(step.id, 'rolled_back');
          }
          throw err;
        }
        await write(`${step.title}: done`);
        await setState(step.id, 'applied');
      }
      stepId = null;
      const composeNow = entity.composeJson ? (JSON.parse(entity.composeJson) as ComposeStatus) : null;
      const composeSummary = composeNow ? (composeNow.available ? `; Docker Compose ${composeNow.version}` : '; Docker Compose v2 is unavailable') : '';
      await write(`Preparation completed: Docker is installed, running and usable by the SSH user${composeSummary}`);
      await this.save(entity, { status: 'completed', currentStep: null, finishedAt: new Date() });
      await this.hooks.of(preparationHooks).preparationFinished.promise({ serverId, preparationId: entity.id, status: 'completed', failedStep: null, error: null });
    } catch (err) {
      const message = redactor.redact(err instanceof StepFailure || (err as { status?: number }).status ? (err as Error).message : `Unexpected error: ${(err as Error).message}`);
      const detail = err instanceof StepFailure && err.detail ? redactor.redact(err.detail) : undefined;
      const failed = stepId ?? DETECT.id;
      await write(message, 'error');
      if (detail) await write(detail, 'error');
      steps = steps.map((s) => (s.id === failed && s.state !== 'rolled_back' ? { ...s, state: 'failed' } : s));
      await this.save(entity, { status: 'failed', failedStep: failed, currentStep: failed, error: message.slice(0, 2000), finishedAt: new Date(), stepsJson: JSON.stringify(steps) });
      await this.hooks.of(preparationHooks).preparationFinished.promise({ serverId, preparationId: entity.id, status: 'failed', failedStep: failed, error: message });
    } finally {
      this.log.emitEnd(serverId);
      void call;
    }
  }

  private async isSatisfied(step: PreparationStep, ctx: StepContext): Promise<boolean> {
    try {
      return await step.check(ctx);
    } catch (err) {
      if ((err as { status?: number }).status === 502) throw err; // SSH trouble: not "unsatisfied"
      return false;
    }
  }

  /** Every OS preparer (built-in and from plugins) and what it supports. */
  listPreparers(): Array<{ id: string; supported: string[] }> {
    return this.preparers.map((p) => ({ id: p.id, supported: [...p.supported] }));
  }

  /**
   * Which preparer, and which steps, a server reporting `os` would get: the same choice a run
   * makes after detecting the OS. An unsupported OS is a 400 naming the supported ones.
   */
  planFor(os: DetectedOs): { preparer: string; steps: Array<{ id: string; title: string }> } {
    let preparer: OsPreparer;
    try {
      preparer = selectPreparer(this.preparers, os);
    } catch (err) {
      throw badRequest('id', (err as Error).message);
    }
    return { preparer: preparer.id, steps: [DETECT, ...preparer.plan(os)].map((s) => ({ id: s.id, title: s.title })) };
  }

  /**
   * Runs left `in_progress` by a stopped or killed Tomo are marked failed, ready for retry: at
   * start-up, and every minute on the leader when several instances share the database. A run
   * another live instance is doing is left alone.
   */
  async markInterrupted(): Promise<number> {
    const live = new Set(await this.instances.liveInstances());
    const cut = (await this.repo.findBy({ status: 'in_progress' })).filter((entity) => !this.isOperatedBy(entity, live));
    for (const entity of cut) {
      const steps = (JSON.parse(entity.stepsJson) as StepView[]).map((s) => (s.state === 'running' ? { ...s, state: 'failed' as const } : s));
      await this.save(entity, { status: 'failed', failedStep: entity.currentStep ?? DETECT.id, error: 'Interrupted by a restart of Tomo; retry to continue', finishedAt: new Date(), stepsJson: JSON.stringify(steps) });
      await this.log.append(entity.serverId, entity.currentStep, 'error', 'Interrupted by a restart of Tomo; retry to continue');
      this.log.emitEnd(entity.serverId);
    }
    return cut.length;
  }

  /**
   * Whether a run the record says is in progress is still someone's: another live instance's, or
   * one this instance runs now. Not so when its instance is gone, or is this one and runs nothing
   * for the server (this one restarted: as on SQLite, where it is the only instance).
   */
  private isOperatedBy(entity: PreparationEntity, live: Set<string>): boolean {
    if (this.running.has(entity.serverId)) return true;
    return entity.operatorInstance !== null && entity.operatorInstance !== this.instances.instance && live.has(entity.operatorInstance);
  }

  /** A server is being deleted: refuse while it is being prepared, else forget its preparation. */
  async forgetServer(serverId: string): Promise<void> {
    const entity = await this.repo.findOneBy({ serverId });
    const live = entity?.status === 'in_progress' ? new Set(await this.instances.liveInstances()) : new Set<string>();
    if (this.running.has(serverId) || (entity?.status === 'in_progress' && this.isOperatedBy(entity, live))) {
      throw conflict('This server is being prepared; wait for the preparation to finish before deleting it', 'id');
    }
    await this.repo.delete({ serverId });
    await this.log.deleteFor(serverId);
  }

  /** Shutdown: let running preparations reach their next await; their records stay `in_progress` and are marked interrupted at the next start. */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.running.values()]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}
