/**
 * Shared by the monitoring panels' tests (never bundled: index.ts does not import it): the API's
 * answers (summary, history, log pages), a signed-in session, and a stand-in for uPlot.
 */
import { useSession, type User } from '@tomo/ui-shell/kit';
import { createPinia, setActivePinia } from 'pinia';
import type { FakeReply } from '../../../ui-shell/src/test-utils/fake-fetch';
import { makeUser } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { ActivityEntry, ActivityPage, FleetSummary, HistoryPoint, ServerHistory, ServerSummary } from './api';

export const ADMIN: User = makeUser();
export const ALICE: User = makeUser({ id: 'u-alice', username: 'alice', role: 'user' });

/** A fresh Pinia with `user` signed in (an admin unless told otherwise). */
export function signIn(user: User = ADMIN): void {
  setActivePinia(createPinia());
  useSession().setUser(user);
}

/** Markup where a name goes: must show as these characters, never become an element. */
export const HOSTILE = '<img src=x onerror=alert(1)>';

export const SERVER_A = '0b7f5f5e-1111-4c4c-9a9a-00000000000a';
export const SERVER_B = '0b7f5f5e-1111-4c4c-9a9a-00000000000b';
export const USER_ALICE = '5d2c1a10-2222-4c4c-9a9a-0000000000a1';

/** Answers in turn; the last one again after that. */
export function sequence(...replies: FakeReply[]): () => FakeReply {
  let next = 0;
  return () => replies[Math.min(next++, replies.length - 1)];
}

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

export function makeEntry(n: number, overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    id: `e-${n}`,
    at: new Date(Date.parse('2026-11-29T10:00:00.000Z') - n * 60000).toISOString(),
    userId: USER_ALICE,
    username: 'alice',
    action: 'app.install',
    targetType: 'app',
    targetId: `inst-${n}`,
    targetName: `Uptime Kuma ${n}`,
    serverId: SERVER_A,
    result: 'ok',
    detail: null,
    door: 'console',
    clientIp: '192.168.1.10',
    ...overrides,
  };
}

export function makePage(entries: ActivityEntry[], total = entries.length, page = 1, pageSize = 50): ActivityPage {
  return { entries, total, page, pageSize };
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
