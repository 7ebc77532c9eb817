import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { AppHistory, ServerHistory } from './api';
import ServerMetricsTab from './ServerMetricsTab.vue';
import { charts, HOSTILE, makeHistory, makePoint, SERVER_A, sequence, signIn } from './test-fixtures';

// jsdom has no canvas: the charts get a stand-in that keeps what uPlot would be given. The real
// uPlot draws in Chromium (plugins/monitoring/test/monitoring-console.e2e.test.ts).
jest.mock('uplot', () => jest.requireActual('./test-fixtures').FakeUPlot);

enableAutoUnmount(afterEach);
beforeEach(() => (charts.length = 0));
afterEach(() => {
  jest.useRealTimers();
  window.localStorage.clear();
});

const HISTORY = `GET /api/metrics/servers/${SERVER_A}`;
const reply = (history: ServerHistory) => ({ body: history });

async function mountTab(routes: Record<string, FakeRoute>, props: Record<string, unknown> = {}) {
  const fetch = installFakeFetch(routes);
  signIn();
  const wrapper = mount(ServerMetricsTab, { props: { serverId: SERVER_A, ...props }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

/** The history requests made (the tab also reads `/api/metrics/servers` for its status strip). */
const historyCalls = (calls: FakeCall[]) => calls.filter((c) => c.url.startsWith(`/api/metrics/servers/${SERVER_A}`)).map((c) => c.url);

const points = [makePoint(10), makePoint(5, { cpuPercent: null }), makePoint(0, { cpuPercent: 42 })];

describe('ServerMetricsTab', () => {
  it('draws five charts of the last 24 hours from the points, with the totals in the titles', async () => {
    const { wrapper, calls } = await mountTab({ [HISTORY]: reply(makeHistory(points)) });
    expect(historyCalls(calls)).toEqual([`/api/metrics/servers/${SERVER_A}?period=24h`]);
    expect(wrapper.findAll('[data-testid^="chart-"]').map((c) => c.attributes('data-testid'))).toEqual(['chart-cpu', 'chart-memory', 'chart-disk', 'chart-load', 'chart-latency']);
    expect(wrapper.findAll('figcaption span:first-child').map((c) => c.text())).toEqual(['CPU', 'Memory used (of 8.0 GiB)', 'Disk used (/) (of 100 GiB)', 'Load (1 min)', 'SSH latency']);
    // The latest figure of each, the last CPU point being the 42 % after a gap.
    expect(wrapper.findAll('figcaption [data-field="latest"]').map((c) => c.text())).toEqual(['42 %', '2.0 GiB', '40.0 GiB', '0.25', '4 ms']);
    expect(charts).toHaveLength(5);
    const times = points.map((p) => Date.parse(p.at) / 1000);
    expect(Array.from(charts[0].data[0])).toEqual(times);
    // A gap stays a gap (null), not a zero.
    expect(Array.from(charts[0].data[1])).toEqual([20, null, 42]);
    expect(Array.from(charts[1].data[1])).toEqual([2 * 1024 ** 3, 2 * 1024 ** 3, 2 * 1024 ** 3]);
    expect(charts[0].target.closest('[data-testid="chart-cpu"]')).not.toBeNull();
    expect(wrapper.findAll('.mon-chart').map((c) => c.attributes('data-points'))).toEqual(['3', '3', '3', '3', '3']);
    expect(wrapper.get('.mon-toolbar__note').text()).toContain('5-minute averages');
    expect(wrapper.get('[data-testid="period-24h"]').attributes('aria-pressed')).toBe('true');
    // The x axis spans the whole 24 hours up to now, however few points there are.
    const [from, to] = charts[0].opts.scales.x.range(charts[0], times[0], times[2]);
    expect(to - from).toBe(86400);
    expect(Math.abs(to - Date.now() / 1000)).toBeLessThan(60);
  });

  it('shows the server\'s status, last poll, uptime and load above the charts; why it is offline', async () => {
    const latest = { at: '2026-11-29T10:00:00.000Z', cpuPercent: 5, memTotalBytes: 1, memUsedBytes: 1, diskTotalBytes: 1, diskUsedBytes: 1, load1: 0.5, load5: 0.25, load15: null, uptimeSeconds: 90000, latencyMs: 3 };
    const online = { serverId: SERVER_A, name: 'nas', status: 'online', consecutiveFailures: 0, lastError: null, lastPollAt: '2026-11-29T10:00:00.000Z', latest };
    const other = { ...online, serverId: 'other', name: 'pi' };
    const { wrapper } = await mountTab({ [HISTORY]: reply(makeHistory(points)), 'GET /api/metrics/servers': { body: { servers: [other, online] } } });
    const strip = wrapper.get('[data-testid="metrics-now"]');
    expect(strip.get('.t-badge').text()).toBe('Online');
    expect(strip.get('[data-field="uptime"]').text()).toBe('up 1 d 1 h');
    expect(strip.get('[data-field="load"]').text()).toBe('load 0.50 / 0.25 / —');
    expect(strip.find('[data-field="error"]').exists()).toBe(false);
    wrapper.unmount();

    const offline = { ...online, status: 'offline', consecutiveFailures: 4, lastError: `Connection refused ${HOSTILE}` };
    const down = await mountTab({ [HISTORY]: reply(makeHistory(points)), 'GET /api/metrics/servers': { body: { servers: [offline] } } });
    expect(down.wrapper.get('[data-testid="metrics-now"] .t-badge').text()).toBe('Offline');
    expect(down.wrapper.get('[data-testid="metrics-now"] [data-field="error"]').text()).toBe(`Connection refused ${HOSTILE}`);
    expect(down.wrapper.find('[data-testid="metrics-now"] img').exists()).toBe(false);
  });

  it('still draws the charts when the status strip cannot be read', async () => {
    const { wrapper } = await mountTab({ [HISTORY]: reply(makeHistory(points)), 'GET /api/metrics/servers': errorReply(500, 'internal', 'Boom') });
    expect(wrapper.find('[data-testid="metrics-now"]').exists()).toBe(false);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(charts).toHaveLength(5);
  });

  it('switches the period: the request names it and the same charts get the new data', async () => {
    const { wrapper, calls } = await mountTab({
      [HISTORY]: (call) => (call.url.endsWith('7d') ? reply(makeHistory([makePoint(600), makePoint(0)], { period: '7d', bucketSeconds: 3600 })) : reply(makeHistory(points))),
    });
    await wrapper.get('[data-testid="period-7d"]').trigger('click');
    await flushPromises();
    expect(historyCalls(calls)).toEqual([`/api/metrics/servers/${SERVER_A}?period=24h`, `/api/metrics/servers/${SERVER_A}?period=7d`]);
    expect(wrapper.get('[data-testid="period-7d"]').attributes('aria-pressed')).toBe('true');
    expect(wrapper.get('[data-testid="period-24h"]').attributes('aria-pressed')).toBe('false');
    expect(charts).toHaveLength(5);
    expect(charts[0].setDataCalls).toBe(1);
    expect(charts[0].data[0]).toHaveLength(2);
    expect(wrapper.get('.mon-chart').attributes('data-points')).toBe('2');
    expect(wrapper.get('.mon-toolbar__note').text()).toContain('1-hour averages');
    const [from, to] = charts[0].opts.scales.x.range(charts[0], 0, 0);
    expect(to - from).toBe(7 * 86400);
  });

  it("draws each bucket's peak as a dashed line beside the average when the API sends peaks", async () => {
    const peaks = [makePoint(10, { cpuPercentMax: 55, load1Max: 1.5 }), makePoint(0, { cpuPercent: 42, cpuPercentMax: 97, load1Max: 3 })];
    await mountTab({ [HISTORY]: reply(makeHistory(peaks, { resolution: '5m' })) });
    const cpu = charts[0] as unknown as { opts: { series: Array<{ label?: string; dash?: number[]; fill?: string }> }; data: number[][] };
    expect(cpu.opts.series.map((s) => s.label)).toEqual([undefined, 'CPU', 'Peak']);
    expect(cpu.opts.series[2].dash).toEqual([4, 3]);
    expect(cpu.opts.series[2].fill).toBeUndefined();
    expect(Array.from(cpu.data[2])).toEqual([55, 97]);
    // The disk has no peak series.
    expect(charts[2].opts.series).toHaveLength(2);
  });

  it('says it waits for the first polls when there are no points yet', async () => {
    const { wrapper } = await mountTab({ [HISTORY]: reply(makeHistory([])) });
    expect(wrapper.get('.t-empty__title').text()).toBe('No figures yet — waiting for the first polls');
    expect(charts).toHaveLength(0);
  });

  it('shows an error with a retry, and a spinner while the first answer is on its way', async () => {
    const { wrapper } = await mountTab({ [HISTORY]: sequence(errorReply(404, 'not_found', 'Server not found'), reply(makeHistory(points))) });
    expect(wrapper.get('[role="alert"]').text()).toContain('The metrics could not be loaded: Server not found');
    await wrapper.get('[role="alert"] button').trigger('click');
    await flushPromises();
    expect(charts).toHaveLength(5);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);

    // The answer is held until the spinner was seen (a timer could fire first on a loaded machine).
    let answer!: () => void;
    const held = new Promise<void>((r) => (answer = r));
    const slow = installFakeFetch({
      [HISTORY]: async () => {
        await held;
        return reply(makeHistory(points));
      },
    });
    const again = mount(ServerMetricsTab, { props: { serverId: SERVER_A } });
    await flushPromises();
    expect(again.get('[role="status"]').text()).toContain('Loading the metrics');
    answer();
    await flushPromises();
    expect(again.find('[role="status"]').exists()).toBe(false);
    expect(historyCalls(slow.calls)).toHaveLength(1);
  });

  it('lists the app containers with state, CPU and memory, names as text', async () => {
    const containers: NonNullable<ServerHistory['containers']> = [
      { installationId: 'i-2', appId: 'jellyfin', appName: 'Jellyfin', containerName: 'tomo-jellyfin-1', state: 'crashed', detail: 'exited with code 137', cpuPercent: null, memBytes: null },
      { installationId: 'i-1', appId: 'kuma', appName: HOSTILE, containerName: 'tomo-kuma-1', state: 'running', cpuPercent: 3.25, memBytes: 150 * 1024 ** 2 },
    ];
    const { wrapper } = await mountTab({ [HISTORY]: reply(makeHistory(points, { containers })) });
    const rows = wrapper.findAll('[data-testid="containers"] tbody tr');
    expect(rows.map((r) => r.attributes('data-testid'))).toEqual(['container-i-1', 'container-i-2']);
    expect(rows[0].get('td').text()).toContain(HOSTILE);
    expect(wrapper.find('[data-testid="containers"] img').exists()).toBe(false);
    expect(rows[0].get('[data-state]').text()).toBe('Running');
    expect([rows[0].get('[data-field="cpu"]').text(), rows[0].get('[data-field="mem"]').text()]).toEqual(['3.3 %', '150 MiB']);
    expect(rows[1].get('[data-state]').classes()).toContain('t-badge--danger');
    expect(rows[1].get('[data-field="detail"]').text()).toBe('exited with code 137');
    expect([rows[1].get('[data-field="cpu"]').text(), rows[1].get('[data-field="mem"]').text()]).toEqual(['—', '—']);
  });

  it("opens an app's CPU and memory chart (averages and peaks) for the tab's period, refreshed with the tab", async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const containers: NonNullable<ServerHistory['containers']> = [
      { installationId: 'i-1', appId: 'kuma', appName: 'Uptime Kuma', containerName: 'tomo-kuma-1', state: 'running', cpuPercent: 3, memBytes: 100 },
    ];
    const app = (period: string, n: number): AppHistory => ({
      installationId: 'i-1',
      serverId: SERVER_A,
      appId: 'kuma',
      appName: 'Uptime Kuma',
      period: period as AppHistory['period'],
      bucketSeconds: 300,
      current: containers[0],
      points: Array.from({ length: n }, (_, i) => ({ at: makePoint(n - i).at, cpuPercent: 2 + i, cpuPercentMax: 9 + i, memBytes: 1000 + i, memBytesMax: 2000 + i, samples: 5 })),
    });
    let appCalls = 0;
    const { wrapper, calls } = await mountTab(
      {
        [HISTORY]: (call) => reply(makeHistory(points, { containers, period: call.url.endsWith('7d') ? '7d' : '24h' })),
        'GET /api/metrics/apps/i-1': (call) => ({ body: app(call.url.split('=')[1], call.url.endsWith('7d') ? 4 : 2 + appCalls++) }),
      },
      { refreshMs: 1000 },
    );
    const toggle = wrapper.get('[data-testid="container-chart-toggle"]');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    await toggle.trigger('click');
    await flushPromises();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(calls.filter((c) => c.url.startsWith('/api/metrics/apps/')).map((c) => c.url)).toEqual(['/api/metrics/apps/i-1?period=24h']);
    const appCharts = charts.slice(5);
    expect(appCharts).toHaveLength(2);
    expect(appCharts[0].opts.series.map((s) => s.label)).toEqual([undefined, 'Average', 'Peak']);
    expect(Array.from(appCharts[0].data[1])).toEqual([2, 3]);
    expect(Array.from(appCharts[0].data[2])).toEqual([9, 10]);
    expect(Array.from(appCharts[1].data[2])).toEqual([2000, 2001]);
    expect(wrapper.get('[data-testid="app-chart-i-1"] [data-testid="chart-app-cpu"]').attributes('data-points')).toBe('2');

    // The tab's refresh brings the app's chart up to date too, in the same charts.
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(appCharts[0].data[0]).toHaveLength(3);
    expect(charts).toHaveLength(7);

    // Another period: asked for that period.
    await wrapper.get('[data-testid="period-7d"]').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.url.startsWith('/api/metrics/apps/')).at(-1)!.url).toBe('/api/metrics/apps/i-1?period=7d');
    expect(appCharts[0].data[0]).toHaveLength(4);

    await toggle.trigger('click');
    expect(wrapper.find('[data-testid="app-chart-i-1"]').exists()).toBe(false);
    expect(appCharts.every((c) => c.destroyed)).toBe(true);
  });

  it("shows why an app's chart could not be loaded", async () => {
    const containers: NonNullable<ServerHistory['containers']> = [
      { installationId: 'i-1', appId: 'kuma', appName: 'Uptime Kuma', containerName: 'tomo-kuma-1', state: 'stopped', cpuPercent: null, memBytes: null },
    ];
    const { wrapper } = await mountTab({ [HISTORY]: reply(makeHistory(points, { containers })), 'GET /api/metrics/apps/i-1': errorReply(404, 'not_found', 'App not found') });
    await wrapper.get('[data-testid="container-chart-toggle"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="app-chart-i-1"] [role="alert"]').text()).toContain("The app's figures could not be loaded: App not found");
  });

  it('says so when the server has no app containers, and shows no table when the API does not report them', async () => {
    const none = await mountTab({ [HISTORY]: reply(makeHistory(points, { containers: [] })) });
    expect(none.wrapper.get('[data-testid="containers"]').text()).toContain('No app containers on this server.');
    none.wrapper.unmount();
    const old = await mountTab({ [HISTORY]: reply(makeHistory(points)) });
    expect(old.wrapper.find('[data-testid="containers"]').exists()).toBe(false);
  });

  it('refreshes in place (setData, no new chart) while auto-refresh is on, keeping the period; off stops it', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { wrapper, calls } = await mountTab({ [HISTORY]: sequence(reply(makeHistory(points)), reply(makeHistory([...points, makePoint(-5)]))) }, { refreshMs: 1000 });
    await wrapper.get('[data-testid="period-30d"]').trigger('click');
    await flushPromises();
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(historyCalls(calls).map((url) => url.split('=')[1])).toEqual(['24h', '30d', '30d']);
    expect(charts).toHaveLength(5);
    expect(charts.every((c) => !c.destroyed)).toBe(true);
    expect(charts[0].data[0]).toHaveLength(4);
    expect(wrapper.get('.mon-chart').attributes('data-points')).toBe('4');

    await wrapper.get('[data-testid="auto-refresh"]').setValue(false);
    jest.advanceTimersByTime(5000);
    await flushPromises();
    expect(historyCalls(calls)).toHaveLength(3);
    wrapper.unmount();
    expect(charts.every((c) => c.destroyed)).toBe(true);
  });
});
