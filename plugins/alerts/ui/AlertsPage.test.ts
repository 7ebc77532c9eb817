import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import AlertsPage from './AlertsPage.vue';
import { firingCount } from './firing-count';
import { alertsRouter, HOSTILE, makeAlert, makeRule, makeSilence, SERVER_A, SERVER_B, SERVERS, signIn } from './test-fixtures';
import type { AlertView } from './types';

enableAutoUnmount(afterEach);
afterEach(() => {
  jest.useRealTimers();
  window.localStorage.clear();
});

const page = (alerts: AlertView[], total = alerts.length, firing = alerts.filter((a) => a.state === 'firing').length) => ({ body: { alerts, total, firing } });

/** `GET /api/alerts` answers by its `state` parameter: firing ones, or a history page. */
function alertsRoute(firing: AlertView[], history: (query: Record<string, string>) => AlertView[], total?: number): FakeRoute {
  return (call) => {
    const query = Object.fromEntries(new URL(call.url, 'http://x').searchParams);
    if (query.state === 'firing' && query.pageSize === '100') return page(firing, firing.length, firing.length);
    const rows = history(query);
    return page(rows, total ?? rows.length, firing.length);
  };
}

async function mountPage(routes: Record<string, FakeRoute>) {
  const fetch = installFakeFetch({
    'GET /api/alerts/rules': { body: { rules: [makeRule(1), makeRule(2, { name: 'Load' })] } },
    'GET /api/servers': { body: { servers: SERVERS } },
    'GET /api/alerts/silences': { body: { silences: [] } },
    ...routes,
  });
  signIn();
  const router = await alertsRouter('/alerts');
  const wrapper = mount(AlertsPage, { props: { pageSize: 2 }, global: { plugins: [router], stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const historyQueries = (calls: FakeCall[]) =>
  calls
    .filter((c) => c.method === 'GET' && c.url.startsWith('/api/alerts?') && !c.url.includes('pageSize=100'))
    .map((c) => Object.fromEntries(new URL(c.url, 'http://x').searchParams));
const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);

describe('AlertsPage', () => {
  it('lists what fires now: severity, server, subject, since when, and whether it is silenced', async () => {
    const firing = [makeAlert(1, { subject: HOSTILE }), makeAlert(2, { severity: 'warning', serverName: 'pi', serverId: SERVER_B, silenced: true })];
    const { wrapper } = await mountPage({ 'GET /api/alerts': alertsRoute(firing, () => []) });
    const row = (id: string) => byId(wrapper, `firing-${id}`);
    expect(byId(wrapper, 'firing-count').text()).toBe('2 firing');
    // The sidebar's badge gets the same count.
    expect(firingCount.value).toBe(2);
    expect(row('a-1').find('[data-severity="critical"]').text()).toBe('Critical');
    expect(row('a-1').get('[data-field="server"]').text()).toBe('nas');
    // A name with markup stays text.
    expect(row('a-1').get('[data-field="subject"]').text()).toBe(HOSTILE);
    expect(row('a-1').find('img').exists()).toBe(false);
    expect(row('a-1').get('[data-field="since"] time').text()).toBe('1 h 15 min');
    expect(row('a-1').find('[data-testid="silence-alert"]').exists()).toBe(true);
    expect(row('a-2').get('[data-field="silenced"]').text()).toBe('Silenced');
    expect(row('a-2').find('[data-testid="silence-alert"]').exists()).toBe(false);
  });

  it('filters the history by state, server and rule, back on page 1, and pages', async () => {
    const resolved = (n: number) => makeAlert(n, { state: 'resolved', resolvedAt: '2026-12-07T11:00:00.000Z' });
    const { wrapper, calls } = await mountPage({ 'GET /api/alerts': alertsRoute([], (q) => (q.page === '2' ? [resolved(3)] : [resolved(1), resolved(2)]), 3) });
    expect(historyQueries(calls)).toEqual([{ state: 'resolved', page: '1', pageSize: '2' }]);
    expect(byId(wrapper, 'history-range').text()).toBe('1–2 of 3');
    expect(wrapper.findAll('[data-testid="history-table"] tbody tr').map((r) => r.attributes('data-state'))).toEqual(['resolved', 'resolved']);

    await byId(wrapper, 'history-next').trigger('click');
    await flushPromises();
    expect(historyQueries(calls).at(-1)).toEqual({ state: 'resolved', page: '2', pageSize: '2' });
    expect(byId(wrapper, 'history-range').text()).toBe('3–3 of 3');
    expect(byId(wrapper, 'history-next').attributes('disabled')).toBeDefined();

    await byId(wrapper, 'history-server').setValue(SERVER_B);
    await flushPromises();
    expect(historyQueries(calls).at(-1)).toEqual({ state: 'resolved', serverId: SERVER_B, page: '1', pageSize: '2' });
    await byId(wrapper, 'history-rule').setValue('r-2');
    await flushPromises();
    await byId(wrapper, 'history-state').setValue('');
    await flushPromises();
    expect(historyQueries(calls).at(-1)).toEqual({ serverId: SERVER_B, ruleId: 'r-2', page: '1', pageSize: '2' });
    // One request per change, none twice.
    expect(historyQueries(calls)).toHaveLength(5);
  });

  it('silences a firing alert for 4 hours, on its rule and server, and shows it silenced', async () => {
    let silenced = false;
    const { wrapper, calls } = await mountPage({
      'GET /api/alerts': () => page([makeAlert(1, { silenced })]),
      'POST /api/alerts/silences': (call) => {
        silenced = true;
        return { status: 201, body: { silence: makeSilence(1, { ...(call.body as object), startsAt: new Date().toISOString(), active: true }) } };
      },
      'GET /api/alerts/silences': () => ({ body: { silences: silenced ? [makeSilence(1, { reason: 'disk swap' })] : [] } }),
    });
    await byId(wrapper, 'silence-alert').trigger('click');
    expect((byId(wrapper, 'silence-rule').element as HTMLSelectElement).value).toBe('r-1');
    expect((byId(wrapper, 'silence-server').element as HTMLSelectElement).value).toBe(SERVER_A);
    await byId(wrapper, 'silence-length').setValue('4h');
    await byId(wrapper, 'silence-reason').setValue('disk swap');
    const before = Date.now();
    await byId(wrapper, 'silence-form').trigger('submit');
    await flushPromises();
    const post = calls.find((c) => c.method === 'POST')!;
    const body = post.body as { ruleId: string; serverId: string; endsAt: string; reason: string; startsAt?: string };
    expect({ ruleId: body.ruleId, serverId: body.serverId, reason: body.reason, startsAt: body.startsAt }).toEqual({ ruleId: 'r-1', serverId: SERVER_A, reason: 'disk swap', startsAt: undefined });
    const hours = (Date.parse(body.endsAt) - before) / 3600_000;
    expect(hours).toBeGreaterThan(3.99);
    expect(hours).toBeLessThan(4.01);
    expect(wrapper.find('[data-testid="silence-form"]').exists()).toBe(false);
    expect(byId(wrapper, 'firing-a-1').get('[data-field="silenced"]').text()).toBe('Silenced');
    expect(byId(wrapper, 'silence-s-1').get('[data-field="scope"]').text()).toBe('Rule 1 on nas');
  });

  it('schedules a maintenance window ahead for a server; refuses one that starts in the past, sending nothing', async () => {
    const { wrapper, calls } = await mountPage({
      'GET /api/alerts': alertsRoute([], () => []),
      'POST /api/alerts/silences': (call) => ({ status: 201, body: { silence: makeSilence(2, { ...(call.body as object), ruleId: null, active: false }) } }),
    });
    await byId(wrapper, 'new-maintenance').trigger('click');
    expect((byId(wrapper, 'silence-length').element as HTMLSelectElement).value).toBe('window');
    await byId(wrapper, 'silence-rule').setValue('');
    await byId(wrapper, 'silence-server').setValue(SERVER_B);
    await byId(wrapper, 'silence-starts').setValue('2020-01-01T10:00');
    await byId(wrapper, 'silence-form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    expect(wrapper.get('[data-testid="silence-form"] .t-field__error').text()).toContain('starts later');

    const start = new Date(Date.now() + 2 * 86400_000);
    start.setSeconds(0, 0);
    const end = new Date(start.getTime() + 3 * 3600_000);
    const local = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    await byId(wrapper, 'silence-starts').setValue(local(start));
    await byId(wrapper, 'silence-ends').setValue(local(end));
    await byId(wrapper, 'silence-form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ serverId: SERVER_B, startsAt: start.toISOString(), endsAt: end.toISOString() }]);
  });

  it('asks for a rule or a server before silencing, and shows the API’s refusal under its field', async () => {
    const { wrapper, calls } = await mountPage({
      'GET /api/alerts': alertsRoute([], () => []),
      'POST /api/alerts/silences': errorReply(400, 'validation_failed', 'endsAt: must be at most 30 days ahead', 'endsAt'),
    });
    await byId(wrapper, 'new-silence').trigger('click');
    await byId(wrapper, 'silence-form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    expect(wrapper.get('[data-testid="silence-form"] .t-field__error').text()).toBe('Choose a rule, a server, or both');
    await byId(wrapper, 'silence-rule').setValue('r-2');
    await byId(wrapper, 'silence-length').setValue('until');
    await byId(wrapper, 'silence-ends').setValue('2099-01-01T10:00');
    await byId(wrapper, 'silence-form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(wrapper.get('[data-testid="silence-form"] .t-field__error').text()).toBe('Must be at most 30 days ahead');
  });

  it('ends an active silence after confirmation', async () => {
    let silences = [makeSilence(1), makeSilence(2, { active: false, ruleId: null, serverId: SERVER_B, reason: 'upgrade' })];
    const { wrapper, calls } = await mountPage({
      'GET /api/alerts': alertsRoute([], () => []),
      'GET /api/alerts/silences': () => ({ body: { silences } }),
      'DELETE /api/alerts/silences/s-1': () => {
        silences = silences.filter((s) => s.id !== 's-1');
        return { status: 204 };
      },
    });
    expect(byId(wrapper, 'silence-s-2').get('[data-field="state"]').text()).toBe('Scheduled');
    expect(byId(wrapper, 'silence-s-2').get('[data-field="scope"]').text()).toBe('Every rule on pi');
    await byId(wrapper, 'silence-s-1').get('button').trigger('click');
    const confirm = wrapper.findAll('button').find((b) => b.text() === 'End silence')!;
    await confirm.trigger('click');
    await flushPromises();
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/alerts/silences/s-1')).toBe(true);
    expect(wrapper.find('[data-testid="silence-s-1"]').exists()).toBe(false);
  });
});
