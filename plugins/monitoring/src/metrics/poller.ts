import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Clock } from '@tomo/kernel';
import type { RecordedInstallation } from '@tomo/plugin-apps/api';
import type { ReachabilityOutcome, ServerHandle, ServerService } from '@tomo/plugin-servers/api';
import type { MonitoringAnnouncer } from '../announcer';
import type { PolledServer, ServerPolledEvent } from '../hooks';
import { ContainerSampleEntity } from '../entities/container-sample.entity';
import { MetricSampleEntity } from '../entities/metric-sample.entity';
import { newContainerWatchState, type ContainerStatus, type ContainerWatch, type ContainerWatchState } from './container-watch';
import type { PollState } from './metrics-service';
import type { LatestSamples } from './latest-samples';
import { NO_POLL_METRICS, type PollMetrics } from './poll-metrics';
import type { SeriesKeys } from './series-keys';
import { cpuPercent, parseProbe, PROBE_ARGV, type CpuTimes, type ProbeReading } from './probe';

export interface PollerOptions {
  intervalSeconds: number;
  maxConcurrentPolls: number;
  /** Consecutive failed polls after which a server is offline. */
  offlineAfterFailures: number;
  /**
   * Whether this instance polls now (several instances on one PostgreSQL database: only the
   * leader does, so each server is polled once per interval). Asked at every round; default yes.
   */
  isLeader?: () => boolean;
  /** Told after each poll of a server, for the other instances (see {@link Poller.applyRemote}). */
  onPolled?: (serverId: string, polled: PolledState) => void;
}

/** What the other instances need of a poll to answer as the leader would: the verdict and the apps' states. */
export interface PolledState extends PollState {
  containers: ContainerStatus[];
}

interface ServerPollState extends PollState {
  lastCpu: CpuTimes | null;
  /** Epoch ms before which the server is not polled again (backoff while offline). */
  nextPollAt: number;
  containers: ContainerWatchState;
  /** The status last written to the server's record (online/offline), so only changes are written. */
  reported: 'online' | 'offline' | null;
  /** Set when the server is being deleted: a poll in flight writes nothing more. */
  forgotten: boolean;
  /** The samples a poll is writing, so a deletion can wait for them and then remove them. */
  writing: Promise<void> | null;
}

const MAX_BACKOFF_INTERVALS = 8;
/** The longest a round's polls are spread over. */
const MAX_SPREAD_MS = 10000;

/**
 * Polls every server on an interval, a few at a time, with one SSH command per server per poll.
 * A server becomes offline after N consecutive failures (then it is polled less and less often,
 * up to every 8 intervals) and online again at the first success; both are announced as monitoring events.
 */
export class Poller {
  private readonly states = new Map<string, ServerPollState>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly pauses = new Set<() => void>();

  constructor(
    private readonly dataSource: DataSource,
    /** Where samples go: the series' integer keys, and the newest sample per server kept in memory. */
    private readonly store: { keys: SeriesKeys; latest: LatestSamples },
    private readonly servers: ServerService,
    /** Where offline/online verdicts are announced (the activity log records them). */
    private readonly announcer: Pick<MonitoringAnnouncer, 'serverWentOffline' | 'serverCameOnline'> & Partial<Pick<MonitoringAnnouncer, 'serverPolled'>>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: PollerOptions,
    /** Reads Tomo-managed containers out of the same probe; absent in tests of the server figures alone. */
    private readonly containerWatch: { watch: ContainerWatch; recorded: (serverId: string) => Promise<RecordedInstallation[]> } | null = null,
    /** Rounds and polls, for `/metrics`. */
    private readonly metrics: PollMetrics = NO_POLL_METRICS,
  ) {}

  /** The server's Tomo-managed apps as of the last poll (empty before the first). */
  containers(serverId: string): ContainerStatus[] {
    return this.states.get(serverId)?.containers.statuses ?? [];
  }

  state(serverId: string): PollState {
    const s = this.states.get(serverId);
    return { status: s?.status ?? 'unknown', consecutiveFailures: s?.consecutiveFailures ?? 0, lastError: s?.lastError ?? null, lastPollAt: s?.lastPollAt ?? null };
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      const startedAt = Date.now();
      // A follower keeps the same rhythm without polling, so it starts at once when it leads.
      const leads = this.options.isLeader?.() ?? true;
      this.running = (leads ? this.pollAll() : Promise.resolve())
        .catch((err: Error) => this.logger.error({ err }, 'Monitoring poll failed'))
        .finally(() => {
          this.running = null;
          // Rounds start an interval apart (not an interval after the last one ended), so a
          // server is polled every interval however long a round takes; a round longer than
          // the interval is followed at once by the next.
          const wait = Math.max(0, this.options.intervalSeconds * 1000 - (Date.now() - startedAt));
          if (!this.stopped) this.timer = setTimeout(tick, wait).unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const wake of this.pauses) wake();
    await this.running;
  }

  /** Waits `ms`, or less when the poller stops meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.pauses.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pauses.add(wake);
    });
  }

  /**
   * A poll made by the leading instance: this one (a follower) answers with its verdict and apps'
   * states as if it had polled itself. Its own CPU baselines stay unset, so if it takes over,
   * its first poll of the server gives no CPU figure rather than a wrong one.
   */
  applyRemote(serverId: string, polled: PolledState): void {
    const state: ServerPollState = this.states.get(serverId) ?? { status: 'unknown', consecutiveFailures: 0, lastError: null, lastPollAt: null, lastCpu: null, nextPollAt: 0, containers: newContainerWatchState(), reported: null, forgotten: false, writing: null };
    Object.assign(state, { status: polled.status, consecutiveFailures: polled.consecutiveFailures, lastError: polled.lastError, lastPollAt: polled.lastPollAt });
    // The leader reported the status to the server's record; a takeover must not report it again.
    state.reported = polled.status === 'online' || polled.status === 'offline' ? polled.status : state.reported;
    state.containers.statuses = polled.containers;
    this.states.set(serverId, state);
  }

  /**
   * Drops a server that is being deleted. A poll of it in flight writes nothing after this; one
   * already writing is waited for, so the caller's clean-up that follows removes all it wrote.
   */
  async forget(serverId: string): Promise<void> {
    const state = this.states.get(serverId);
    this.states.delete(serverId);
    if (!state) return;
    state.forgotten = true;
    await state.writing?.catch(() => undefined);
  }

  /** One round: every due server, at most `maxConcurrentPolls` at a time. */
  async pollAll(): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await this.pollDue();
    } finally {
      this.metrics.round(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async pollDue(): Promise<void> {
    const servers = await this.servers.listForSystem();
    const now = this.clock.now().getTime();
    const due = servers.filter((s) => (this.states.get(s.id)?.nextPollAt ?? 0) <= now);
    // A fleet larger than one batch is spread over up to half the interval (10 s at most), so
    // Tomo's CPU is not spent in one burst that the console's requests would wait behind.
    const spreadMs = due.length > this.options.maxConcurrentPolls ? Math.min((this.options.intervalSeconds * 1000) / 2, MAX_SPREAD_MS) : 0;
    const startedAt = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < due.length && !this.stopped) {
        const index = next++;
        const server = due[index];
        const wait = startedAt + (spreadMs * index) / due.length - Date.now();
        if (wait > 0) await this.pause(wait);
        if (this.stopped) return;
        await this.pollOne(server.id, server.name, server.ownerId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.maxConcurrentPolls, due.length) }, worker));
  }

  private async pollOne(serverId: string, name: string, ownerId: string): Promise<void> {
    const state: ServerPollState = this.states.get(serverId) ?? { status: 'unknown', consecutiveFailures: 0, lastError: null, lastPollAt: null, lastCpu: null, nextPollAt: 0, containers: newContainerWatchState(), reported: null, forgotten: false, writing: null };
    this.states.set(serverId, state);
    const intervalMs = this.options.intervalSeconds * 1000;
    const at = this.clock.now();
    state.lastPollAt = at.toISOString();
    // The poll is one operation of the system's: one handle, its credentials opened once.
    let server: ServerHandle | undefined;
    try {
      server = await this.servers.forSystem(serverId);
      const run = await server.exec(PROBE_ARGV, { timeoutMs: Math.max(5000, Math.min(intervalMs, 30000)), maxOutputBytes: 64 * 1024 });
      if (run.exitCode !== 0 && !run.stdout.includes('@meminfo')) throw new Error(`the probe exited with ${run.exitCode}`);
      const reading = parseProbe(run.stdout);
      const ts = Math.floor(at.getTime() / 1000);
      if (state.forgotten) return;
      // Checked and started in the same tick as forget() would run: it either sees this or stops it.
      const cpu = cpuPercent(state.lastCpu, reading.cpu);
      state.writing = this.writeSamples(serverId, ts, state, reading, run.durationMs, cpu);
      await state.writing;
      state.lastCpu = reading.cpu;
      const wasOffline = state.status === 'offline';
      Object.assign(state, { status: 'online', consecutiveFailures: 0, lastError: null, nextPollAt: 0 });
      if (wasOffline) {
        await this.announcer.serverCameOnline({ serverId, serverName: name, ownerId });
      }
      await this.announcer.serverPolled?.(polledFigures({ serverId, serverName: name, ownerId }, at, reading, cpu, run.durationMs, state.containers.statuses));
      await this.report(server, state, { ok: true });
      this.metrics.poll('ok');
    } catch (err) {
      if ((err as { status?: number }).status === 404 || state.forgotten) return; // deleted meanwhile
      this.metrics.poll('failed');
      this.recordFailure(serverId, state, err);
      if (state.status !== 'offline' && state.consecutiveFailures >= this.options.offlineAfterFailures) {
        state.status = 'offline';
        await this.announcer.serverWentOffline({ serverId, serverName: name, ownerId, consecutiveFailures: state.consecutiveFailures, error: state.lastError ?? 'no message' });
        if (server) await this.report(server, state, { ok: false, error: err });
      }
      if (state.status === 'offline') {
        const beyond = state.consecutiveFailures - this.options.offlineAfterFailures;
        state.nextPollAt = at.getTime() + intervalMs * Math.min(2 ** beyond, MAX_BACKOFF_INTERVALS) - intervalMs / 2;
      }
    } finally {
      state.writing = null;
      if (!state.forgotten) this.options.onPolled?.(serverId, { status: state.status, consecutiveFailures: state.consecutiveFailures, lastError: state.lastError, lastPollAt: state.lastPollAt, containers: state.containers.statuses });
    }
  }

  /** Counts a failed poll: the error kept, the CPU baseline and app figures dropped. */
  private recordFailure(serverId: string, state: ServerPollState, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    state.consecutiveFailures += 1;
    state.lastError = message.slice(0, 300);
    state.lastCpu = null;
    state.containers.cpuNs.clear();
    state.containers.statuses = state.containers.statuses.map((c) => ({ ...c, state: 'unknown', detail: 'the server does not answer', cpuPercent: null, memBytes: null }));
  }

  /** The server's figures, then its apps', from one probe reading. */
  private async writeSamples(serverId: string, ts: number, state: ServerPollState, reading: ProbeReading, durationMs: number, cpu: number | null): Promise<void> {
    const sample = this.dataSource.getRepository(MetricSampleEntity).create({
      seriesId: await this.store.keys.ofServer(serverId),
      ts,
      cpuPercent: cpu,
      memTotalBytes: reading.memTotalBytes,
      memUsedBytes: reading.memUsedBytes,
      diskTotalBytes: reading.diskTotalBytes,
      diskUsedBytes: reading.diskUsedBytes,
      dockerDiskTotalBytes: reading.dockerDiskTotalBytes,
      dockerDiskUsedBytes: reading.dockerDiskUsedBytes,
      load1: reading.load1,
      load5: reading.load5,
      load15: reading.load15,
      uptimeSeconds: reading.uptimeSeconds === null ? null : Math.floor(reading.uptimeSeconds),
      latencyMs: Math.round(durationMs * 10) / 10,
    });
    await this.dataSource.getRepository(MetricSampleEntity).insert(sample);
    if (!state.forgotten) this.store.latest.record(serverId, sample);
    await this.observeContainers(serverId, ts, state, reading);
  }

  /** Writes the poll's verdict to the server's record when it changed; a failure here costs only the write. */
  private async report(server: ServerHandle, state: ServerPollState, outcome: ReachabilityOutcome): Promise<void> {
    const status = outcome.ok ? 'online' : 'offline';
    if (state.reported === status) return;
    const serverId = server.info.id;
    try {
      await server.reportReachability(outcome);
      state.reported = status;
    } catch (err) {
      this.logger.warn({ err, serverId }, 'Recording the server status from the poll failed');
    }
  }

  /** App states and samples from the same probe output; a failure here leaves the server's figures stored. */
  private async observeContainers(serverId: string, ts: number, state: ServerPollState, reading: ProbeReading): Promise<void> {
    if (!this.containerWatch) return;
    try {
      const recorded = await this.containerWatch.recorded(serverId);
      const samples = await this.containerWatch.watch.observe(state.containers, { serverId, recorded, seen: reading.containers, hostPrevious: state.lastCpu, hostCurrent: reading.cpu });
      if (!samples.length) return;
      const rows: Array<Partial<ContainerSampleEntity>> = [];
      for (const s of samples) rows.push({ seriesId: await this.store.keys.ofApp(s.installationId, serverId), ts, cpuPercent: s.cpuPercent, memBytes: s.memBytes });
      await this.dataSource.getRepository(ContainerSampleEntity).insert(rows);
    } catch (err) {
      this.logger.warn({ err, serverId }, 'Reading app states from the poll failed');
    }
  }
}

const percent = (used: number | null, total: number | null): number | null => (used === null || !total ? null : Math.round((used / total) * 1000) / 10);

/** A poll's reading as the `serverPolled` event carries it: percentages, load, latency, app states. */
function polledFigures(server: PolledServer, at: Date, reading: ProbeReading, cpu: number | null, durationMs: number, apps: readonly ContainerStatus[]): ServerPolledEvent {
  return {
    ...server,
    at,
    cpuPercent: cpu,
    memoryPercent: percent(reading.memUsedBytes, reading.memTotalBytes),
    diskRootPercent: percent(reading.diskUsedBytes, reading.diskTotalBytes),
    diskDockerPercent: percent(reading.dockerDiskUsedBytes, reading.dockerDiskTotalBytes),
    load1: reading.load1,
    sshLatencyMs: Math.round(durationMs * 10) / 10,
    apps: apps.map((a) => ({ installationId: a.installationId, appName: a.appName, state: a.state, detail: a.detail })),
  };
}
