import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type Docker from 'dockerode';
import type { DataSource, Repository } from 'typeorm';
import { AppError, badRequest, requireOwned, type Principal, type SecretVault } from '@tomo/kernel';
import type { ServerService } from '@tomo/plugin-servers/api';
import { InstallationEntity } from '../entities/installation.entity';
import type { OpenStream } from '../docker/stream-agent';
import type { EngineAccess } from '../services/engine-access';
import { engineMessage } from '../services/installer';
import { installationContainers, type InstallationContainer } from './installation-containers';
import { LogFrameDecoder } from './log-frames';
import { LogLineSplitter, toDockerSince, type LogLine } from './log-line';
import { readLogBytes } from './read-log-bytes';
import { DEFAULT_TAIL, parseSince, type LogsQuery } from './logs-query';
import type { LogsView } from './log-views';
import { newestLines } from './newest-lines';
import { secretMasker } from './secret-mask';

/** How the logs reach one server's engine. */
export interface LogsEngine {
  /** For the follow (a stream) and the container list. */
  docker: Docker;
  /** A byte stream to the engine's API socket, for a tail read gathered whole. */
  openSocket: OpenStream;
  /** How long a read may wait for the engine's next byte. */
  timeoutMs: number;
}

/** A follow in progress. */
export interface LogFollow {
  /** Stops following: closes every Docker log stream. Safe to call more than once. */
  stop(): void;
  /** Resolves when every container's stream has ended (the containers stopped) or {@link stop} was called. */
  ended: Promise<void>;
}

/** How long new lines are gathered before they go out together (one event per burst, not per line). */
const BATCH_MS = 50;

const byTime = (a: LogLine, b: LogLine) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);

/**
 * The logs of one installation, opened for one caller: access checked (its owner or an admin;
 * 404 otherwise), the containers listed, the secret values ready to mask. Everything read from
 * here has Tomo's secrets replaced in every line.
 */
export class InstallationLogs {
  private readonly docker: Docker;

  constructor(
    readonly installationId: string,
    readonly services: string[],
    private readonly engine: LogsEngine,
    private readonly containers: InstallationContainer[],
    private readonly mask: (text: string) => string,
  ) {
    this.docker = engine.docker;
  }

  /** The newest `tail` lines (all services together, or one), oldest first. */
  async tail(query: LogsQuery): Promise<LogsView> {
    const tail = query.tail ?? DEFAULT_TAIL;
    const since = query.since !== undefined ? dockerSinceMs(parseSince(query.since)!) : undefined;
    const reads = await Promise.all(this.selected(query.service).map((c) => this.readTail(c, tail, since)));
    const lines = newestLines(reads, tail);
    // The lines were made by this read: masked in place (10,000 copies less), only those kept.
    for (const line of lines) line.text = this.mask(line.text);
    return { installationId: this.installationId, services: this.services, lines };
  }

  /**
   * Follows the logs: first the newest `tail` lines (or, resuming, everything after the time
   * `after`), then each line as it is printed. `onLines` gets them in bursts, in time order.
   */
  follow(query: LogsQuery & { after?: string }, onLines: (lines: LogLine[]) => void): LogFollow {
    const streams: Readable[] = [];
    let stopped = false;
    let batch: LogLine[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (batch.length === 0 || stopped) return;
      const out = batch.sort(byTime);
      batch = [];
      onLines(out);
    };
    const push = (line: LogLine) => {
      if (query.after !== undefined && line.time <= query.after) return;
      batch.push({ ...line, text: this.mask(line.text) });
      timer ??= setTimeout(flush, BATCH_MS);
    };
    const options = query.after !== undefined
      ? { since: toDockerSince(query.after) }
      : { tail: query.tail ?? DEFAULT_TAIL, ...(query.since !== undefined ? { since: dockerSinceMs(parseSince(query.since)!) } : {}) };
    const ended = Promise.all(
      this.selected(query.service).map(async (container) => {
        const stream = (await this.docker.getContainer(container.containerId).logs({ follow: true, stdout: true, stderr: true, timestamps: true, ...options })) as Readable;
        streams.push(stream);
        if (stopped) stream.destroy();
        const splitter = new LogLineSplitter(container.service, push);
        stream.on('data', feeder(container, splitter));
        await finished(stream).catch(() => undefined);
        splitter.end();
      }),
    ).then(
      () => {
        if (timer) clearTimeout(timer);
        flush();
      },
      () => undefined,
    );
    return {
      ended,
      stop: () => {
        if (stopped) return;
        stopped = true;
        if (timer) clearTimeout(timer);
        for (const stream of streams) stream.destroy();
      },
    };
  }

  private selected(service: string | undefined): InstallationContainer[] {
    return service === undefined ? this.containers : this.containers.filter((c) => c.service === service);
  }

  private async readTail(container: InstallationContainer, tail: number, since: string | undefined): Promise<LogLine[]> {
    let raw: Buffer;
    try {
      raw = await readLogBytes(this.engine.openSocket, container.containerId, { tail, ...(since !== undefined ? { since } : {}) }, this.engine.timeoutMs);
    } catch (err) {
      throw new AppError(502, 'engine_failed', `Docker could not read the logs of ${container.service}: ${engineMessage(err)}`);
    }
    const lines: LogLine[] = [];
    const splitter = new LogLineSplitter(container.service, (line) => lines.push(line));
    feeder(container, splitter)(raw);
    splitter.end();
    return lines;
  }
}

/** Where a container's log bytes go: through the frame decoder into stdout and stderr, or all to stdout for a container with a terminal (its logs are not multiplexed). */
function feeder(container: InstallationContainer, splitter: LogLineSplitter): (chunk: Buffer) => void {
  if (container.tty) return (chunk) => splitter.push('stdout', chunk);
  const frames = new LogFrameDecoder((stream, payload) => splitter.push(stream, payload));
  return (chunk) => frames.push(chunk);
}

/** Opens installations' logs for callers: the access rule, the containers, the secrets to mask. */
export class LogsService {
  private readonly repo: Repository<InstallationEntity>;

  constructor(
    dataSource: DataSource,
    private readonly servers: ServerService,
    private readonly engine: EngineAccess,
    private readonly vault: SecretVault,
  ) {
    this.repo = dataSource.getRepository(InstallationEntity);
  }

  /**
   * The installation's logs, for `principal` (404 when it may not see the installation). With
   * `service`, that service must exist (400 naming `service` and the services there are).
   */
  async open(principal: Principal, installationId: string, service?: string): Promise<InstallationLogs> {
    const row = requireOwned(principal, await this.repo.findOneBy({ id: installationId }), 'Installation');
    const handle = await this.servers.forCaller(principal, row.serverId);
    const engine = this.engine.for(handle);
    const docker = engine.docker;
    let containers: InstallationContainer[];
    try {
      containers = await installationContainers(docker, row);
    } catch (err) {
      throw new AppError(502, 'engine_failed', `Docker on ${handle.info.name} could not list the containers of ${row.appName}: ${engineMessage(err)}`);
    }
    const services = [...new Set(containers.map((c) => c.service))];
    if (service !== undefined && !services.includes(service)) {
      throw badRequest('service', `service: ${row.appName} has no service "${service}" (${services.length ? `its services: ${services.join(', ')}` : 'it has no container right now'})`);
    }
    const logsEngine: LogsEngine = { docker, openSocket: () => engine.openDockerSocket(), timeoutMs: engine.requestTimeoutMs };
    return new InstallationLogs(row.id, services, logsEngine, containers, secretMasker(this.secretValues(row)));
  }

  /** The installation's secret setting values (generated passwords and keys among them), to mask; never logged. */
  private secretValues(row: InstallationEntity): string[] {
    if (!row.secretsSealed) return [];
    return Object.values(JSON.parse(this.vault.openText(row.secretsSealed, row.id)) as Record<string, string>);
  }
}

/** Milliseconds since the epoch as Docker's `since` (seconds with a fraction). */
function dockerSinceMs(ms: number): string {
  ms = Math.max(0, ms);
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1_000_000).padStart(9, '0')}`;
}
