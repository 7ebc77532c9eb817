import type { DataSource } from 'typeorm';
import { LessThan } from 'typeorm';
import type { Clock, Principal } from '@tomo/kernel';
import type { ServerService } from '@tomo/plugin-servers/api';
import { MetricSampleEntity } from '../entities/metric-sample.entity';
import type { ContainerStatus } from './container-watch';
import type { ProbeReading } from './probe';

export type Period = '24h' | '7d' | '30d';
const PERIOD_SECONDS: Record<Period, number> = { '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };
/** Charts get at most this many points: the period is cut into this many time buckets. */
export const MAX_POINTS = 288;

/** What the poller knows of a server right now. */
export interface PollState {
  status: 'online' | 'offline' | 'unknown';
  consecutiveFailures: number;
  lastError: string | null;
  lastPollAt: string | null;
}

export type SampleView = Omit<ProbeReading, 'cpu' | 'containers'> & {
  at: string;
  /** Busy share of the CPU since the previous poll (from /proc/stat deltas). */
  cpuPercent: number | null;
  latencyMs: number | null;
};

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: number | null, digits = 1): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

function toSampleView(s: MetricSampleEntity): SampleView {
  return {
    at: new Date(Number(s.ts) * 1000).toISOString(),
    cpuPercent: n(s.cpuPercent),
    memTotalBytes: n(s.memTotalBytes),
    memUsedBytes: n(s.memUsedBytes),
    diskTotalBytes: n(s.diskTotalBytes),
    diskUsedBytes: n(s.diskUsedBytes),
    dockerDiskTotalBytes: n(s.dockerDiskTotalBytes),
    dockerDiskUsedBytes: n(s.dockerDiskUsedBytes),
    load1: n(s.load1),
    load5: n(s.load5),
    load15: n(s.load15),
    uptimeSeconds: n(s.uptimeSeconds),
    latencyMs: n(s.latencyMs),
  };
}

/** Apps per state; `installing` also counts removals in flight. */
export interface AppCounts {
  total: number;
  running: number;
  stopped: number;
  crashed: number;
  failed: number;
  installing: number;
  unknown: number;
}

function countApps(list: ContainerStatus[]): AppCounts {
  const counts: AppCounts = { total: list.length, running: 0, stopped: 0, crashed: 0, failed: 0, installing: 0, unknown: 0 };
  for (const c of list) counts[c.state === 'removing' ? 'installing' : c.state] += 1;
  return counts;
}

function sumAppCounts(list: AppCounts[]): AppCounts {
  const total: AppCounts = { total: 0, running: 0, stopped: 0, crashed: 0, failed: 0, installing: 0, unknown: 0 };
  for (const c of list) for (const key of Object.keys(total) as Array<keyof AppCounts>) total[key] += c[key];
  return total;
}

/** Reading metrics: the latest sample per server, a period downsampled by SQL, the dashboard's summary. */
export class MetricsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly servers: ServerService,
    private readonly clock: Clock,
    private readonly state: (serverId: string) => PollState,
    private readonly containers: (serverId: string) => ContainerStatus[] = () => [],
  ) {}

  /** The server's Tomo-managed apps as of its last poll (the caller has checked access). */
  containersOf(serverId: string): ContainerStatus[] {
    return this.containers(serverId);
  }

  private get repo() {
    return this.dataSource.getRepository(MetricSampleEntity);
  }

  /** Every server the principal may see, with its poll state and latest sample. */
  async latest(principal: Principal) {
    const servers = await this.servers.list(principal);
    return {
      servers: await Promise.all(
        servers.map(async (server) => {
          const sample = await this.repo.findOne({ where: { serverId: server.id }, order: { ts: 'DESC', id: 'DESC' } });
          return { serverId: server.id, name: server.name, ...this.state(server.id), latest: sample ? toSampleView(sample) : null, apps: countApps(this.containers(server.id)) };
        }),
      ),
    };
  }

  /** One server over a period: averages per time bucket (maxima for load), at most {@link MAX_POINTS} points. */
  async history(principal: Principal, serverId: string, period: Period) {
    const server = await this.servers.get(principal, serverId);
    const span = PERIOD_SECONDS[period];
    const bucket = Math.ceil(span / MAX_POINTS);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const rows = await this.repo
      .createQueryBuilder('s')
      .select('s.ts - (s.ts % :bucket)', 'bucket')
      .addSelect('AVG(s.cpuPercent)', 'cpuPercent')
      .addSelect('AVG(s.memUsedBytes)', 'memUsedBytes')
      .addSelect('MAX(s.memTotalBytes)', 'memTotalBytes')
      .addSelect('AVG(s.diskUsedBytes)', 'diskUsedBytes')
      .addSelect('MAX(s.diskTotalBytes)', 'diskTotalBytes')
      .addSelect('AVG(s.load1)', 'load1')
      .addSelect('AVG(s.latencyMs)', 'latencyMs')
      .addSelect('COUNT(*)', 'samples')
      .where('s.serverId = :serverId', { serverId: server.id })
      .andWhere('s.ts > :since', { since: now - span })
      .groupBy('s.ts - (s.ts % :bucket)')
      .orderBy('bucket', 'ASC')
      .setParameter('bucket', bucket)
      .getRawMany<Record<string, unknown>>();
    return {
      serverId: server.id,
      period,
      bucketSeconds: bucket,
      points: rows.map((r) => ({
        at: new Date(Number(r.bucket) * 1000).toISOString(),
        cpuPercent: round(n(r.cpuPercent)),
        memUsedBytes: round(n(r.memUsedBytes), 0),
        memTotalBytes: n(r.memTotalBytes),
        diskUsedBytes: round(n(r.diskUsedBytes), 0),
        diskTotalBytes: n(r.diskTotalBytes),
        load1: round(n(r.load1), 2),
        latencyMs: round(n(r.latencyMs)),
        samples: Number(r.samples),
      })),
    };
  }

  /** Counts and averages over the principal's servers, for a dashboard. */
  async summary(principal: Principal) {
    const { servers } = await this.latest(principal);
    const count = (status: PollState['status']) => servers.filter((s) => s.status === status).length;
    const values = (pick: (s: SampleView) => number | null) => servers.map((s) => (s.latest ? pick(s.latest) : null)).filter((v): v is number => v !== null);
    const avg = (list: number[]) => (list.length ? Math.round((list.reduce((a, b) => a + b, 0) / list.length) * 10) / 10 : null);
    const pct = (used: number | null, total: number | null) => (used !== null && total ? (used / total) * 100 : null);
    return {
      servers: { total: servers.length, online: count('online'), offline: count('offline'), unknown: count('unknown') },
      apps: sumAppCounts(servers.map((s) => s.apps)),
      averages: {
        cpuPercent: avg(values((s) => s.cpuPercent)),
        memPercent: avg(values((s) => pct(s.memUsedBytes, s.memTotalBytes))),
        diskPercent: avg(values((s) => pct(s.diskUsedBytes, s.diskTotalBytes))),
      },
      perServer: servers.map((s) => ({
        serverId: s.serverId,
        name: s.name,
        status: s.status,
        cpuPercent: s.latest?.cpuPercent ?? null,
        memPercent: s.latest ? round(pct(s.latest.memUsedBytes, s.latest.memTotalBytes)) : null,
        diskPercent: s.latest ? round(pct(s.latest.diskUsedBytes, s.latest.diskTotalBytes)) : null,
        apps: s.apps,
      })),
    };
  }

  async forgetServer(serverId: string): Promise<void> {
    await this.repo.delete({ serverId });
  }

  async prune(days: number): Promise<number> {
    const cutoff = Math.floor(this.clock.now().getTime() / 1000) - days * 86400;
    return (await this.repo.delete({ ts: LessThan(cutoff) })).affected ?? 0;
  }
}
