/**
 * The monitoring plugin's HTTP API as the panels use it: the server and app metrics
 * (`/api/metrics/...`). Every call rejects with the kit's `ApiError`. The app counts come from the
 * backend's import-free `src/views.ts`; the rest is written out here (the backend's zod schemas import zod at run time, which the browser bundle
 * must not carry).
 */
import { api } from '@tomo/ui-shell/kit';
import type { AppCounts } from '../src/views';

export type { AppCounts };

export type PollStatus = 'online' | 'offline' | 'unknown';
export type Period = '24h' | '7d' | '30d';
export const PERIODS: readonly Period[] = ['24h', '7d', '30d'];

/** The latest sample of a server (`GET /api/metrics/servers`). Any figure may be null (not measured). */
export interface LatestSample {
  at: string;
  cpuPercent: number | null;
  memTotalBytes: number | null;
  memUsedBytes: number | null;
  diskTotalBytes: number | null;
  diskUsedBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  uptimeSeconds: number | null;
  latencyMs: number | null;
}

/** A server's poll status and latest sample. */
export interface ServerMetrics {
  serverId: string;
  name: string;
  status: PollStatus;
  consecutiveFailures: number;
  lastError: string | null;
  lastPollAt: string | null;
  latest: LatestSample | null;
}

/** One time bucket of a server's history, averaged over its `samples`. */
export interface HistoryPoint {
  at: string;
  cpuPercent: number | null;
  memUsedBytes: number | null;
  memTotalBytes: number | null;
  diskUsedBytes: number | null;
  diskTotalBytes: number | null;
  load1: number | null;
  latencyMs: number | null;
  samples: number;
  /** The bucket's lowest and highest figures (servers that keep rollups send them). */
  cpuPercentMin?: number | null;
  cpuPercentMax?: number | null;
  memUsedBytesMax?: number | null;
  diskUsedBytesMax?: number | null;
  load1Max?: number | null;
  latencyMsMax?: number | null;
}

export type ContainerState = 'running' | 'stopped' | 'crashed' | 'failed' | 'installing' | 'removing' | 'unknown';

/** One of the server's app containers, as last polled. */
export interface ContainerMetrics {
  installationId: string;
  appId: string;
  appName: string;
  containerName: string;
  state: ContainerState;
  /** Why it is crashed or failed, when known. */
  detail?: string | null;
  cpuPercent: number | null;
  memBytes: number | null;
}

/** `GET /api/metrics/servers/:id?period=`. */
export interface ServerHistory {
  serverId: string;
  period: Period;
  bucketSeconds: number;
  /** The coarsest stored level the points were read from ('raw', '5m' or '1h'); the points are `bucketSeconds` averages either way. */
  resolution?: string;
  points: HistoryPoint[];
  /** The server's app containers with their state and figures at the last poll. */
  containers?: ContainerMetrics[];
}

/** One time bucket of an app container's history: averages and peaks over its `samples`. */
export interface AppPoint {
  at: string;
  cpuPercent: number | null;
  cpuPercentMax: number | null;
  memBytes: number | null;
  memBytesMax: number | null;
  samples: number;
}

/** `GET /api/metrics/apps/:installationId?period=`. */
export interface AppHistory {
  installationId: string;
  serverId: string;
  appId: string;
  appName: string;
  period: Period;
  bucketSeconds: number;
  /** Its state and figures at the last poll; null before the first. */
  current: ContainerMetrics | null;
  points: AppPoint[];
}

export interface ServerSummary {
  serverId: string;
  name: string;
  status: PollStatus;
  cpuPercent: number | null;
  memPercent: number | null;
  diskPercent: number | null;
  apps: AppCounts;
}

/** `GET /api/metrics/summary`: the dashboard's figures. */
export interface FleetSummary {
  servers: { total: number; online: number; offline: number; unknown: number };
  apps: AppCounts;
  averages: { cpuPercent: number | null; memPercent: number | null; diskPercent: number | null };
  perServer: ServerSummary[];
}

const enc = encodeURIComponent;

export const monitoringApi = {
  /** Every server the caller may see, with its poll status and latest sample. */
  servers: async (signal?: AbortSignal): Promise<ServerMetrics[]> => (await api.get<{ servers: ServerMetrics[] }>('/api/metrics/servers', { signal })).servers,
  /** The dashboard's counts (servers by status, apps by state), averages and per-server figures. */
  summary: (signal?: AbortSignal): Promise<FleetSummary> => api.get<FleetSummary>('/api/metrics/summary', { signal }),
  history: (serverId: string, period: Period, signal?: AbortSignal): Promise<ServerHistory> =>
    api.get<ServerHistory>(`/api/metrics/servers/${enc(serverId)}?period=${enc(period)}`, { signal }),
  /** One installed app's CPU and memory over the period. */
  appHistory: (installationId: string, period: Period, signal?: AbortSignal): Promise<AppHistory> =>
    api.get<AppHistory>(`/api/metrics/apps/${enc(installationId)}?period=${enc(period)}`, { signal }),
};
