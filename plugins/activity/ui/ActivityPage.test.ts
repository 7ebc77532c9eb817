import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import ActivityPage from './ActivityPage.vue';
import { ALICE, HOSTILE, makeEntry, makePage, SERVER_A, SERVER_B, sequence, signIn, USER_ALICE } from './test-fixtures';
import type { User } from '@tomo/ui-shell/kit';

enableAutoUnmount(afterEach);
afterEach(() => {
  jest.useRealTimers();
  window.localStorage.clear();
});

const LOGS = 'GET /api/activity';
const CHOICES: Record<string, FakeRoute> = {
  'GET /api/servers': { body: { servers: [{ id: SERVER_A, name: 'nas' }, { id: SERVER_B, name: 'pi' }] } },
  'GET /api/users': { body: { users: [{ id: USER_ALICE, username: 'alice' }, { id: 'u-admin', username: 'admin' }] } },
};

/** A page of `count` entries numbered from `first`. */
const entries = (first: number, count: number) => Array.from({ length: count }, (_, i) => makeEntry(first + i));

async function mountPage(path: string, logs: FakeRoute, options: { user?: User; routes?: Record<string, FakeRoute>; props?: Record<string, unknown> } = {}) {
  const fetch = installFakeFetch({ ...CHOICES, [LOGS]: logs, ...options.routes });
  signIn(options.user);
  const router: Router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/activity', component: defineComponent({ render: () => null }) }] });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(ActivityPage, { props: options.props ?? {}, global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router, calls: fetch.calls };
}

/** The `GET /api/activity` queries made, as objects. */
const logQueries = (calls: FakeCall[]) => calls.filter((c) => c.url.startsWith('/api/activity')).map((c) => Object.fromEntries(new URL(c.url, 'http://x').searchParams));
const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);
const rows = (wrapper: VueWrapper) => wrapper.findAll('[data-testid="log-table"] tbody tr').map((r) => r.attributes('data-testid'));

describe('ActivityPage', () => {
  it('lists the newest entries, 50 a page, with who, action, target, server, detail, result and door', async () => {
    const shown = [
      makeEntry(1, { detail: 'tomo-test/httpd:1 as tomo-web-1' }),
      makeEntry(2, { username: null, userId: null, action: 'server.offline', targetType: 'server', targetName: 'pi', serverId: SERVER_B, result: 'failed', door: 'system', clientIp: null }),
    ];
    const { wrapper, calls } = await mountPage('/activity', { body: makePage(shown, 2) });
    expect(logQueries(calls)).toEqual([{ page: '1', pageSize: '50' }]);
    expect(rows(wrapper)).toEqual(['log-e-1', 'log-e-2']);
    const cell = (id: string, name: string) => wrapper.get(`[data-testid="log-${id}"] [data-field="${name}"]`).text();
    expect([cell('e-1', 'who'), cell('e-1', 'action'), cell('e-1', 'server'), cell('e-1', 'detail')]).toEqual(['alice', 'app.install', 'on nas', 'tomo-test/httpd:1 as tomo-web-1']);
    // The same sentence as the dashboard card (the API's `summary`), the code as its tooltip.
    expect(wrapper.get('[data-testid="log-e-1"] [data-field="summary"]').text()).toBe('alice installed app Uptime Kuma 1');
    expect(wrapper.get('[data-testid="log-e-2"] [data-field="summary"]').attributes('title')).toBe('server.offline');
    expect(wrapper.get('[data-testid="log-e-1"] [data-field="door"] span').text()).toBe('Console');
    expect(wrapper.get('[data-testid="log-e-1"] [data-field="door"] .t-mono').text()).toBe('192.168.1.10');
    expect([cell('e-2', 'who'), cell('e-2', 'target'), cell('e-2', 'door')]).toEqual(['system', 'pi (server)', 'System']);
    expect(wrapper.get('[data-testid="log-e-2"] .t-badge').text()).toBe('Failed');
    expect(byId(wrapper, 'page-range').text()).toBe('1–2 of 2');
    expect(byId(wrapper, 'page-prev').attributes('disabled')).toBeDefined();
    expect(byId(wrapper, 'page-next').attributes('disabled')).toBeDefined();
  });

  it('puts each filter into the request and the URL, back on page 1', async () => {
    const { wrapper, router, calls } = await mountPage('/activity?page=3', { body: makePage(entries(1, 3), 3) });
    expect(logQueries(calls).at(-1)).toMatchObject({ page: '3' });

    await byId(wrapper, 'filter-server').setValue(SERVER_B);
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ serverId: SERVER_B });
    expect(logQueries(calls).at(-1)).toEqual({ serverId: SERVER_B, page: '1', pageSize: '50' });

    await byId(wrapper, 'filter-action').setValue('app');
    await flushPromises();
    await byId(wrapper, 'filter-user').setValue(USER_ALICE);
    await flushPromises();
    await byId(wrapper, 'filter-from').setValue('2026-11-01');
    await flushPromises();
    await byId(wrapper, 'filter-to').setValue('2026-11-28');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ serverId: SERVER_B, action: 'app', userId: USER_ALICE, from: '2026-11-01', to: '2026-11-28' });
    const last = logQueries(calls).at(-1)!;
    expect(last).toMatchObject({ serverId: SERVER_B, action: 'app', userId: USER_ALICE, page: '1' });
    // Local days: from the start of the first to the end of the last (the API's `to` is exclusive).
    expect(last.from).toBe(new Date(2026, 10, 1).toISOString());
    expect(last.to).toBe(new Date(2026, 10, 29).toISOString());
  });

  it('searches once the user stops typing', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { wrapper, router, calls } = await mountPage('/activity', { body: makePage(entries(1, 1)) }, { props: { searchDelayMs: 300 } });
    const box = byId(wrapper, 'filter-q');
    await box.setValue('ku');
    await box.setValue('kuma');
    jest.advanceTimersByTime(299);
    await flushPromises();
    expect(logQueries(calls)).toHaveLength(1);
    jest.advanceTimersByTime(1);
    await flushPromises();
    expect(logQueries(calls).at(-1)).toEqual({ q: 'kuma', page: '1', pageSize: '50' });
    expect(router.currentRoute.value.query).toEqual({ q: 'kuma' });
  });

  it('opens a link with its filters shown in the controls and asked of the API', async () => {
    const { wrapper, calls } = await mountPage(`/activity?serverId=${SERVER_A}&action=auth.login_failed&q=root&page=2&from=2026-11-02`, { body: makePage(entries(51, 10), 60, 2) });
    expect(logQueries(calls)).toEqual([{ serverId: SERVER_A, action: 'auth.login_failed', q: 'root', page: '2', pageSize: '50', from: new Date(2026, 10, 2).toISOString() }]);
    expect((byId(wrapper, 'filter-server').element as HTMLSelectElement).value).toBe(SERVER_A);
    expect((byId(wrapper, 'filter-action').element as HTMLSelectElement).value).toBe('auth.login_failed');
    expect((byId(wrapper, 'filter-q').element as HTMLInputElement).value).toBe('root');
    expect((byId(wrapper, 'filter-from').element as HTMLInputElement).value).toBe('2026-11-02');
  });

  it('narrows the view from a row: a click on an action or a server filters by it', async () => {
    const { wrapper, router, calls } = await mountPage('/activity?q=kuma&page=2', { body: makePage([makeEntry(1), makeEntry(2, { action: 'app.stop', serverId: SERVER_B })], 52, 2) });
    await wrapper.get('[data-testid="log-e-2"] [data-field="action-filter"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: 'kuma', action: 'app.stop' });
    expect((byId(wrapper, 'filter-action').element as HTMLSelectElement).value).toBe('app.stop');
    await wrapper.get('[data-testid="log-e-2"] [data-field="server-filter"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: 'kuma', action: 'app.stop', serverId: SERVER_B });
    expect(logQueries(calls).at(-1)).toEqual({ serverId: SERVER_B, action: 'app.stop', q: 'kuma', page: '1', pageSize: '50' });
  });

  it('drops values from a hand-edited link that the API would refuse', async () => {
    const { calls } = await mountPage('/activity?serverId=not-an-id&action=DROP%20TABLE&from=yesterday&page=-4&extra=1', { body: makePage([]) });
    expect(logQueries(calls)).toEqual([{ page: '1', pageSize: '50' }]);
  });

  it('pages forward and back: "51–100 of 120", Previous and Next disabled at the ends', async () => {
    const logs = (call: FakeCall) => {
      const page = Number(new URL(call.url, 'http://x').searchParams.get('page'));
      return { body: makePage(entries((page - 1) * 50 + 1, page === 3 ? 20 : 50), 120, page) };
    };
    const { wrapper, router, calls } = await mountPage('/activity?action=app', logs);
    expect(byId(wrapper, 'page-range').text()).toBe('1–50 of 120');
    expect(byId(wrapper, 'page-prev').attributes('disabled')).toBeDefined();
    await byId(wrapper, 'page-next').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ action: 'app', page: '2' });
    expect(byId(wrapper, 'page-range').text()).toBe('51–100 of 120');
    expect(rows(wrapper)[0]).toBe('log-e-51');
    await byId(wrapper, 'page-next').trigger('click');
    await flushPromises();
    expect(byId(wrapper, 'page-range').text()).toBe('101–120 of 120');
    expect(wrapper.text()).toContain('Page 3 of 3');
    expect(byId(wrapper, 'page-next').attributes('disabled')).toBeDefined();
    await byId(wrapper, 'page-prev').trigger('click');
    await flushPromises();
    expect(byId(wrapper, 'page-range').text()).toBe('51–100 of 120');
    expect(logQueries(calls).map((q) => q.page)).toEqual(['1', '2', '3', '2']);
    expect(logQueries(calls).every((q) => q.action === 'app')).toBe(true);
  });

  it('says when a page is past the end, and goes back to the first', async () => {
    const { wrapper, router } = await mountPage('/activity?page=9', (call) => {
      const page = Number(new URL(call.url, 'http://x').searchParams.get('page'));
      return { body: makePage(page === 9 ? [] : entries(1, 5), 5, page) };
    });
    expect(wrapper.text()).toContain('Page 9 is past the end (5 entries).');
    await wrapper.get('.t-alert--info button').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    expect(rows(wrapper)).toHaveLength(5);
  });

  it('has empty states with and without filters; "Clear the filters" clears the URL', async () => {
    const none = await mountPage('/activity', { body: makePage([]) });
    expect(none.wrapper.get('.t-empty__title').text()).toBe('Nothing has happened yet');
    none.wrapper.unmount();
    const { wrapper, router } = await mountPage('/activity?action=user&q=bob', sequence({ body: makePage([]) }, { body: makePage(entries(1, 2)) }));
    expect(wrapper.get('.t-empty__title').text()).toBe('No entry matches these filters');
    await byId(wrapper, 'clear-filters').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    expect(rows(wrapper)).toHaveLength(2);
    expect((byId(wrapper, 'filter-q').element as HTMLInputElement).value).toBe('');
  });

  it('offers the user filter to admins only', async () => {
    const admin = await mountPage('/activity', { body: makePage([]) });
    expect(admin.wrapper.findAll('[data-testid="filter-user"] option').map((o) => o.text())).toEqual(['Everyone', 'alice', 'admin']);
    admin.wrapper.unmount();
    const { wrapper, calls } = await mountPage('/activity', { body: makePage([]) }, { user: ALICE });
    expect(wrapper.find('[data-testid="filter-user"]').exists()).toBe(false);
    expect(calls.some((c) => c.url === '/api/users')).toBe(false);
    expect(wrapper.findAll('[data-testid="filter-server"] option').map((o) => o.text())).toEqual(['All servers', 'nas', 'pi']);
  });

  it('shows an error with a retry; a failed refresh keeps the table', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { wrapper } = await mountPage('/activity', sequence(errorReply(400, 'validation_failed', 'q: too long', 'q'), { body: makePage(entries(1, 2)) }, errorReply(503, 'unavailable', 'Busy')), {
      props: { refreshMs: 1000 },
    });
    expect(wrapper.get('[role="alert"]').text()).toContain('The activity could not be loaded: q: too long');
    await wrapper.get('[role="alert"] button').trigger('click');
    await flushPromises();
    expect(rows(wrapper)).toHaveLength(2);
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(wrapper.get('.t-alert--warning').text()).toBe('The list could not be refreshed: Busy');
    expect(rows(wrapper)).toHaveLength(2);
  });

  it('refreshes the same page and filters in place while auto-refresh is on, and not after it is turned off', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { wrapper, router, calls } = await mountPage(`/activity?serverId=${SERVER_A}&page=2`, sequence({ body: makePage(entries(51, 2), 52, 2) }, { body: makePage(entries(50, 3), 53, 2) }), {
      props: { refreshMs: 1000 },
    });
    const table = byId(wrapper, 'log-table').element;
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(logQueries(calls)).toEqual([
      { serverId: SERVER_A, page: '2', pageSize: '50' },
      { serverId: SERVER_A, page: '2', pageSize: '50' },
    ]);
    expect(byId(wrapper, 'page-range').text()).toBe('51–53 of 53');
    expect(byId(wrapper, 'log-table').element).toBe(table);
    expect(router.currentRoute.value.query).toEqual({ serverId: SERVER_A, page: '2' });
    expect((byId(wrapper, 'filter-server').element as HTMLSelectElement).value).toBe(SERVER_A);

    await byId(wrapper, 'auto-refresh').setValue(false);
    jest.advanceTimersByTime(5000);
    await flushPromises();
    expect(logQueries(calls)).toHaveLength(2);
  });

  it('renders markup in names and details as text', async () => {
    const { wrapper } = await mountPage('/activity', { body: makePage([makeEntry(1, { username: HOSTILE, targetName: HOSTILE, detail: HOSTILE })]) });
    expect(wrapper.get('[data-field="who"]').text()).toBe(HOSTILE);
    expect(wrapper.get('[data-field="detail"]').text()).toBe(HOSTILE);
    expect(wrapper.find('[data-testid="log-table"] img').exists()).toBe(false);
  });
});
