import type { DataSource } from 'typeorm';
import type { Clock, Principal } from '@tomo/kernel';
import type { ServerService } from '@tomo/plugin-servers/api';
import type { MetricSampleEntity } from '../entities/metric-sample.entity';
import type { ContainerStatus } from './container-watch';
import type { LatestSamples } from './latest-samples';
import type { AppCounts } from '../views';
import type { ProbeReading } from './probe';
import { SERVER_SERIES } from './rollups';
import { MAX_POINTS, readSeries, type Period } from './series-history';
import type { SeriesKeys } from './series-keys';

export { MAX_POINTS, type Period };

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

/** Views of the latest samples, made once per sample (the dashboard asks for the same ones on every refresh until the next poll). */
const views = new WeakMap<MetricSampleEntity, SampleView>();

function toSampleView(s: MetricSampleEntity): SampleView {
  const known = views.get(s);
  if (known) return known;
  const view: SampleView = {
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
  views.set(s, Object.freeze(view));
  return view;
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
    private readonly keys: SeriesKeys,
    private readonly latestSamples: LatestSamples,
    private readonly containers: (serverId: string) => ContainerStatus[] = () => [],
  ) {}

  /** The server's Tomo-managed apps as of its last poll (the caller has checked access). */
  containersOf(serverId: string): ContainerStatus[] {
    return this.containers(serverId);
  }

  /** Every server the principal may see, with its poll state and latest sample. */
  async latest(principal: Principal) {
    const servers = await this.servers.list(principal);
    const latest = await this.latestSamples.of(servers.map((s) => s.id));
    return {
      servers: servers.map((server) => {
        const sample = latest.get(server.id);
        return { serverId: server.id, name: server.name, ...this.state(server.id), latest: sample ? toSampleView(sample) : null, apps: countApps(this.containers(server.id)) };
      }),
    };
  }

  /**
   * One server over a period, at most {@link MAX_POINTS} points: 24h from the 5-minute rollups
   * (288 points), 7d from the hourly ones (168), 30d from the hourly ones three at a time (240);
   * the minutes not yet rolled up come from the raw samples (see {@link readSeries}). Each point
   * has the average, and for CPU, memory, disk, load and latency the maximum (CPU: the minimum too).
   */
  async history(principal: Principal, serverId: string, period: Period) {
    const server = await this.servers.get(principal, serverId);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const series = await readSeries(this.dataSource, SERVER_SERIES, await this.keys.findServer(server.id), period, now);
    return {
      serverId: server.id,
      period,
      bucketSeconds: series.bucketSeconds,
      resolution: series.resolution,
      points: series.rows.map((r) => ({
        at: new Date(r.bucket * 1000).toISOString(),
        cpuPercent: round(r.cpuPercentAvg),
        cpuPercentMin: round(r.cpuPercentMin),
        cpuPercentMax: round(r.cpuPercentMax),
        memUsedBytes: round(r.memUsedBytesAvg, 0),
        memUsedBytesMax: r.memUsedBytesMax,
        memTotalBytes: r.memTotalBytesMax,
        diskUsedBytes: round(r.diskUsedBytesAvg, 0),
        diskUsedBytesMax: r.diskUsedBytesMax,
        diskTotalBytes: r.diskTotalBytesMax,
        dockerDiskUsedBytes: round(r.dockerDiskUsedBytesAvg, 0),
        dockerDiskTotalBytes: r.dockerDiskTotalBytesMax,
        load1: round(r.load1Avg, 2),
        load1Max: round(r.load1Max, 2),
        latencyMs: round(r.latencyMsAvg),
        latencyMsMax: round(r.latencyMsMax),
        samples: r.samples ?? 0,
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

  /** Removes the server's metrics and its apps'. */
  async forgetServer(serverId: string): Promise<void> {
    this.latestSamples.forget(serverId);
    await this.keys.forgetServer(serverId);
  }
}
