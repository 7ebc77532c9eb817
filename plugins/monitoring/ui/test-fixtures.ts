/**
 * Shared by the monitoring panels' tests (never bundled: index.ts does not import it): the API's
 * answers (summary, history), a signed-in session, and a stand-in for uPlot.
 */
import type { FleetSummary, HistoryPoint, ServerHistory, ServerSummary } from './api';

export { ADMIN, HOSTILE, sequence, signIn } from '../../../ui-shell/src/test-utils/panel-session';

export const SERVER_A = '0b7f5f5e-1111-4c4c-9a9a-00000000000a';
export const SERVER_B = '0b7f5f5e-1111-4c4c-9a9a-00000000000b';

export function makeServerSummary(overrides: Partial<ServerSummary> = {}): ServerSummary {
  return {
    serverId: SERVER_A,
    name: 'nas',
    status: 'online',
    cpuPercent: 12.5,
    memPercent: 48.2,
    diskPercent: 91.3,
    apps: { total: 4, running: 2, stopped: 1, crashed: 1, failed: 0, installing: 0, unknown: 0 },
    ...overrides,
  };
}

export function makeSummary(perServer: ServerSummary[] = [makeServerSummary()]): FleetSummary {
  const count = (status: string) => perServer.filter((s) => s.status === status).length;
  return {
    servers: { total: perServer.length, online: count('online'), offline: count('offline'), unknown: count('unknown') },
    apps: { total: 6, running: 3, stopped: 1, crashed: 1, failed: 1, installing: 0, unknown: 0 },
    averages: { cpuPercent: 20, memPercent: 50, diskPercent: 75.5 },
    perServer,
  };
}

export function makePoint(minutesAgo: number, overrides: Partial<HistoryPoint> = {}): HistoryPoint {
  return {
    at: new Date(Date.parse('2026-11-29T10:00:00.000Z') - minutesAgo * 60000).toISOString(),
    cpuPercent: 10 + minutesAgo,
    memUsedBytes: 2 * 1024 ** 3,
    memTotalBytes: 8 * 1024 ** 3,
    diskUsedBytes: 40 * 1024 ** 3,
    diskTotalBytes: 100 * 1024 ** 3,
    load1: 0.25,
    latencyMs: 4,
    samples: 10,
    ...overrides,
  };
}

export function makeHistory(points: HistoryPoint[], overrides: Partial<ServerHistory> = {}): ServerHistory {
  return { serverId: SERVER_A, period: '24h', bucketSeconds: 300, points, ...overrides };
}

/** What the tests see of uPlot: each chart made, with its data and the calls on it. */
export interface FakeChart {
  opts: { series: Array<{ label?: string }>; scales: { x: { range: (u: unknown, min: number, max: number) => [number, number] } } };
  data: Array<ArrayLike<number | null>>;
  target: HTMLElement;
  setDataCalls: number;
  destroyed: boolean;
}
export const charts: FakeChart[] = [];

/** Stands in for uPlot's class in jsdom (which has no canvas): keeps the data it is given. */
export class FakeUPlot implements FakeChart {
  opts: FakeChart['opts'];
  data: FakeChart['data'];
  target: HTMLElement;
  setDataCalls = 0;
  destroyed = false;
  constructor(opts: FakeChart['opts'], data: FakeChart['data'], target: HTMLElement) {
    this.opts = opts;
    this.data = data;
    this.target = target;
    charts.push(this);
  }
  setData(data: FakeChart['data']): void {
    this.data = data;
    this.setDataCalls++;
  }
  setSize(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}
