import { enableAutoUnmount, flushPromises, mount, RouterLinkStub, type VueWrapper } from '@vue/test-utils';
import type { Component } from 'vue';
import { errorReply, installFakeFetch, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import { AUTO_REFRESH_KEY } from '@tomo/ui-shell/kit';
import FleetWidget from './FleetWidget.vue';
import ServerHealthWidget from './ServerHealthWidget.vue';
import { HOSTILE, makeServerSummary, makeSummary, SERVER_A, SERVER_B, sequence, signIn } from './test-fixtures';

enableAutoUnmount(afterEach);
afterEach(() => {
  jest.useRealTimers();
  window.localStorage.clear();
});

const SUMMARY = 'GET /api/metrics/summary';

async function mountWidget(component: Component, routes: Record<string, FakeRoute>, props: Record<string, unknown> = {}) {
  const fetch = installFakeFetch(routes);
  signIn();
  const wrapper = mount(component, { props, global: { stubs: { RouterLink: RouterLinkStub } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const field = (wrapper: VueWrapper, scope: string, name: string) => wrapper.get(`[data-testid="${scope}"] [data-field="${name}"]`).text();

describe('FleetWidget', () => {
  it('shows a spinner until the figures come, then the server and app counts and averages', async () => {
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const { wrapper } = await mountWidget(FleetWidget, {
      [SUMMARY]: async () => {
        await held;
        return { body: makeSummary([makeServerSummary(), makeServerSummary({ serverId: SERVER_B, name: 'pi', status: 'offline' }), makeServerSummary({ serverId: 'c', status: 'unknown' })]) };
      },
    });
    expect(wrapper.get('[role="status"]').text()).toContain('Loading');
    answer();
    await flushPromises();
    expect(wrapper.find('[role="status"]').exists()).toBe(false);
    expect([field(wrapper, 'fleet-servers', 'online'), field(wrapper, 'fleet-servers', 'offline'), field(wrapper, 'fleet-servers', 'unknown')]).toEqual(['1', '1', '1']);
    // Crashed counts the crashed and the failed apps.
    expect([field(wrapper, 'fleet-apps', 'running'), field(wrapper, 'fleet-apps', 'stopped'), field(wrapper, 'fleet-apps', 'crashed')]).toEqual(['3', '1', '2']);
    const labelOf = (testid: string) => document.getElementById(wrapper.get(`[data-testid="${testid}"]`).attributes('aria-labelledby')!)?.textContent;
    expect([labelOf('fleet-servers'), labelOf('fleet-apps')]).toEqual(['Servers', 'Apps']);
    expect(wrapper.findAll('.mon-bar').map((b) => b.get('[data-field="value"]').text())).toEqual(['20 %', '50 %', '76 %']);
    expect(wrapper.findAll('.mon-bar .mon-bar__fill').map((b) => (b.element as HTMLElement).style.width)).toEqual(['20%', '50%', '75.5%']);
  });

  it('invites to add a server when there is none', async () => {
    const { wrapper } = await mountWidget(FleetWidget, { [SUMMARY]: { body: makeSummary([]) } });
    expect(wrapper.get('.t-empty__title').text()).toBe('No servers yet — add one');
    expect(wrapper.getComponent(RouterLinkStub).props('to')).toBe('/servers');
  });

  it('shows why the figures could not be loaded, and tries again', async () => {
    const { wrapper } = await mountWidget(FleetWidget, { [SUMMARY]: sequence(errorReply(500, 'internal', 'Database is locked'), { body: makeSummary() }) });
    expect(wrapper.get('[role="alert"]').text()).toContain('The figures could not be loaded: Database is locked');
    await wrapper.get('[role="alert"] button').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(field(wrapper, 'fleet-servers', 'online')).toBe('1');
  });

  it('refreshes every interval in place while auto-refresh is on; off stops it and is remembered', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { wrapper, calls } = await mountWidget(
      FleetWidget,
      { [SUMMARY]: sequence({ body: makeSummary() }, { body: makeSummary([makeServerSummary(), makeServerSummary({ serverId: SERVER_B })]) }) },
      { refreshMs: 1000 },
    );
    const box = wrapper.get('[data-testid="auto-refresh"]');
    expect((box.element as HTMLInputElement).checked).toBe(true);
    const counts = wrapper.get('[data-testid="fleet-servers"]').element;
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(calls).toHaveLength(2);
    expect(field(wrapper, 'fleet-servers', 'online')).toBe('2');
    // The same element, updated: no spinner, no re-render from scratch.
    expect(wrapper.get('[data-testid="fleet-servers"]').element).toBe(counts);
    expect(wrapper.find('[role="status"]').exists()).toBe(false);

    await box.setValue(false);
    expect(window.localStorage.getItem(AUTO_REFRESH_KEY)).toBe('off');
    jest.advanceTimersByTime(5000);
    await flushPromises();
    expect(calls).toHaveLength(2);
    wrapper.unmount();

    // A new dashboard starts with auto-refresh off, as left.
    const again = await mountWidget(FleetWidget, { [SUMMARY]: { body: makeSummary() } }, { refreshMs: 1000 });
    expect((again.wrapper.get('[data-testid="auto-refresh"]').element as HTMLInputElement).checked).toBe(false);
    jest.advanceTimersByTime(3000);
    await flushPromises();
    expect(again.calls).toHaveLength(1);
    await again.wrapper.get('[data-testid="auto-refresh"]').setValue(true);
    expect(window.localStorage.getItem(AUTO_REFRESH_KEY)).toBe('on');
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(again.calls).toHaveLength(2);
  });
});

describe('ServerHealthWidget', () => {
  it('shows one tile per server: name, coloured status, CPU/RAM/disk bars, apps by state; the name links to the Metrics tab', async () => {
    const servers = [
      makeServerSummary(),
      makeServerSummary({ serverId: SERVER_B, name: 'pi', status: 'offline', cpuPercent: null, memPercent: null, diskPercent: null, apps: { total: 0, running: 0, stopped: 0, crashed: 0, failed: 0, installing: 0, unknown: 0 } }),
      makeServerSummary({ serverId: 'c', name: 'new', status: 'unknown', cpuPercent: 75, apps: { total: 3, running: 0, stopped: 0, crashed: 0, failed: 0, installing: 1, unknown: 2 } }),
    ];
    const { wrapper } = await mountWidget(ServerHealthWidget, { [SUMMARY]: { body: makeSummary(servers) } });
    const tile = (id: string) => wrapper.get(`[data-testid="health-${id}"]`);
    // Offline first, then not polled yet, then online.
    expect(wrapper.findAll('.mon-tile__name').map((n) => n.text())).toEqual(['pi', 'new', 'nas']);
    expect(tile(SERVER_A).get('.mon-tile__name').text()).toBe('nas');
    const badge = (id: string) => tile(id).get('.t-badge');
    // The kit's one tone table: the same colours as on the servers page.
    expect([badge(SERVER_A).text(), badge(SERVER_A).classes()]).toEqual(['Online', expect.arrayContaining(['t-badge--success'])]);
    expect([badge(SERVER_B).text(), badge(SERVER_B).classes()]).toEqual(['Offline', expect.arrayContaining(['t-badge--warning'])]);
    expect([badge('c').text(), badge('c').classes()]).toEqual(['Unknown', expect.arrayContaining(['t-badge--neutral'])]);
    const bars = (id: string) => tile(id).findAll('.mon-bar').map((b) => [b.get('[data-field="value"]').text(), b.attributes('data-tone')]);
    expect(bars(SERVER_A)).toEqual([
      ['13 %', 'success'],
      ['48 %', 'success'],
      ['91 %', 'danger'],
    ]);
    expect(bars(SERVER_B)).toEqual([
      ['—', 'neutral'],
      ['—', 'neutral'],
      ['—', 'neutral'],
    ]);
    expect(bars('c')[0]).toEqual(['75 %', 'warning']);
    expect(tile(SERVER_A).get('[role="progressbar"]').attributes('aria-valuenow')).toBe('13');
    expect(tile(SERVER_A).get('[data-field="apps"]').text()).toBe('2 running · 1 stopped · 1 crashed');
    expect(tile(SERVER_B).get('[data-field="apps"]').text()).toBe('No apps');
    expect(tile('c').get('[data-field="apps"]').text()).toBe('1 installing · 2 unknown');
    expect(tile(SERVER_A).getComponent(RouterLinkStub).props('to')).toEqual({ path: `/servers/${SERVER_A}`, query: { tab: 'monitoring:metrics' } });
  });

  it('has an empty state, and renders a server name holding markup as text', async () => {
    const empty = await mountWidget(ServerHealthWidget, { [SUMMARY]: { body: makeSummary([]) } });
    expect(empty.wrapper.get('.t-empty__title').text()).toBe('No servers yet — add one');
    empty.wrapper.unmount();
    const { wrapper } = await mountWidget(ServerHealthWidget, { [SUMMARY]: { body: makeSummary([makeServerSummary({ name: HOSTILE })]) } });
    expect(wrapper.get('.mon-tile__name').text()).toBe(HOSTILE);
    expect(wrapper.find('.mon-tile img').exists()).toBe(false);
  });

  it('keeps the tiles when a refresh fails, and says so', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { wrapper } = await mountWidget(ServerHealthWidget, { [SUMMARY]: sequence({ body: makeSummary() }, errorReply(503, 'unavailable', 'Try later')) }, { refreshMs: 500 });
    jest.advanceTimersByTime(500);
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe('Not refreshed: Try later');
    expect(wrapper.find(`[data-testid="health-${SERVER_A}"]`).exists()).toBe(true);
  });
});
