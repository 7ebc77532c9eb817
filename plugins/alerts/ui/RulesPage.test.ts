import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import RulesPage from './RulesPage.vue';
import { ALICE, alertsRouter, makeChannel, makeRule, SERVER_A, SERVER_B, SERVERS, signIn } from './test-fixtures';
import type { PreviewMatch, RuleDraft } from './types';

enableAutoUnmount(afterEach);
afterEach(() => jest.useRealTimers());

const PREVIEW = 'POST /api/alerts/rules/preview';

/** A preview that judges the draft on fixed loads: nas 0.4, pi 2.5. */
const previewOfLoads: FakeRoute = (call) => {
  const draft = call.body as RuleDraft;
  const loads: Record<string, number> = { [SERVER_A]: 0.4, [SERVER_B]: 2.5 };
  const matches: PreviewMatch[] = SERVERS.filter((s) => !draft.serverId || s.id === draft.serverId).map((s) => ({
    serverId: s.id,
    serverName: s.name,
    value: loads[s.id],
    firing: draft.operator === '>' ? loads[s.id] > (draft.threshold ?? 0) : loads[s.id] < (draft.threshold ?? 0),
  }));
  return { body: { matches } };
};

async function mountPage(routes: Record<string, FakeRoute> = {}, user = undefined as typeof ALICE | undefined) {
  const fetch = installFakeFetch({
    'GET /api/alerts/rules': { body: { rules: [makeRule(1, { name: 'Disk full', builtIn: true, channelIds: ['c-1'] }), makeRule(2, { name: 'Offline pi', kind: 'event', event: 'server_offline', metric: null, operator: null, threshold: null, forMinutes: null, serverId: SERVER_B, severity: 'critical', enabled: false })] } },
    'GET /api/servers': { body: { servers: SERVERS } },
    'GET /api/alerts/channels': { body: { channels: [makeChannel(1, { name: 'Ops hook' }), makeChannel(2, { name: 'Phone', type: 'ntfy' })] } },
    [PREVIEW]: previewOfLoads,
    ...routes,
  });
  signIn(user);
  const router = await alertsRouter('/alerts/rules');
  const wrapper = mount(RulesPage, { props: { previewDelayMs: 0 }, global: { plugins: [router], stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);
const posts = (calls: FakeCall[], url: string) => calls.filter((c) => c.method === 'POST' && c.url === url).map((c) => c.body as RuleDraft);
const settle = async () => {
  await flushPromises();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await flushPromises();
};

describe('RulesPage', () => {
  it('lists the rules: the default first, what each watches, where, severity, channels and state', async () => {
    const { wrapper } = await mountPage();
    const rows = wrapper.findAll('[data-testid="rules-table"] tbody tr');
    expect(rows.map((r) => r.attributes('data-name'))).toEqual(['Disk full', 'Offline pi']);
    const cell = (id: string, field: string) => byId(wrapper, `rule-${id}`).get(`[data-field="${field}"]`).text();
    expect([cell('r-1', 'condition'), cell('r-1', 'server'), cell('r-1', 'channels'), cell('r-1', 'enabled')]).toEqual(['Disk use of / > 90 % for 10 min', 'All servers', 'Ops hook', 'On']);
    expect(byId(wrapper, 'rule-r-1').text()).toContain('Default');
    expect([cell('r-2', 'condition'), cell('r-2', 'server'), cell('r-2', 'channels'), cell('r-2', 'enabled')]).toEqual(['Server offline (and back online)', 'pi', 'Nowhere yet', 'Off']);
  });

  it('creates a metric rule with a live preview of what it would fire on the current data', async () => {
    const { wrapper, calls } = await mountPage({
      'POST /api/alerts/rules': (call) => ({ status: 201, body: { rule: makeRule(9, { ...(call.body as RuleDraft) }) } }),
    });
    await byId(wrapper, 'new-rule').trigger('click');
    await settle();
    // The blank form (disk over 90 % for 10 min) is previewed at once.
    expect(posts(calls, '/api/alerts/rules/preview')).toHaveLength(1);

    await byId(wrapper, 'rule-name').setValue('Busy');
    await byId(wrapper, 'rule-metric').setValue('load');
    await byId(wrapper, 'rule-threshold').setValue('1');
    await byId(wrapper, 'rule-for').setValue('0');
    await settle();
    const last = posts(calls, '/api/alerts/rules/preview').at(-1)!;
    expect(last).toMatchObject({ kind: 'metric', metric: 'load', operator: '>', threshold: 1, forMinutes: 0, serverId: null });
    expect(byId(wrapper, 'rule-preview-summary').text()).toBe('Would fire now on 1 of 2 servers.');
    expect(byId(wrapper, `preview-${SERVER_B}`).attributes('data-firing')).toBe('true');
    expect(byId(wrapper, `preview-${SERVER_B}`).text()).toContain('2.50');
    expect(byId(wrapper, `preview-${SERVER_A}`).text()).toContain('OK');

    // Below 3 on pi only: pi would fire.
    await byId(wrapper, 'rule-operator').setValue('<');
    await byId(wrapper, 'rule-threshold').setValue('3');
    await byId(wrapper, 'rule-server').setValue(SERVER_B);
    await settle();
    expect(byId(wrapper, 'rule-preview-summary').text()).toBe('Would fire now on 1 of 1 server.');

    await byId(wrapper, 'rule-severity').setValue('critical');
    await byId(wrapper, 'rule-channels').findAll('input[type="checkbox"]')[1].setValue(true);
    await byId(wrapper, 'rule-form').trigger('submit');
    await flushPromises();
    expect(posts(calls, '/api/alerts/rules')).toEqual([
      { name: 'Busy', enabled: true, kind: 'metric', metric: 'load', operator: '<', threshold: 3, forMinutes: 0, clearThreshold: null, event: null, serverId: SERVER_B, severity: 'critical', channelIds: ['c-2'] },
    ]);
    expect(wrapper.find('[data-testid="rule-form"]').exists()).toBe(false);
    expect(byId(wrapper, 'rule-r-9').get('[data-field="channels"]').text()).toBe('Phone');
  });

  it('checks the draft before sending: no preview and no POST while a field is wrong, each message under its field', async () => {
    const { wrapper, calls } = await mountPage();
    await byId(wrapper, 'new-rule').trigger('click');
    await settle();
    const before = posts(calls, '/api/alerts/rules/preview').length;
    await byId(wrapper, 'rule-threshold').setValue('');
    await byId(wrapper, 'rule-clear').setValue('95');
    await settle();
    expect(posts(calls, '/api/alerts/rules/preview')).toHaveLength(before);
    expect(byId(wrapper, 'rule-preview').text()).toContain('Complete the rule');
    await byId(wrapper, 'rule-form').trigger('submit');
    await flushPromises();
    expect(posts(calls, '/api/alerts/rules')).toEqual([]);
    const messages = wrapper.findAll('[data-testid="rule-form"] .t-field__error').map((e) => e.text());
    expect(messages).toEqual(['Enter a name', 'Enter a number']);
    // Hysteresis: above 90, clearing at 95 would never clear.
    await byId(wrapper, 'rule-threshold').setValue('90');
    await byId(wrapper, 'rule-form').trigger('submit');
    await flushPromises();
    expect(wrapper.findAll('[data-testid="rule-form"] .t-field__error').map((e) => e.text())).toEqual(['Enter a name', 'For “above”, use at most the threshold']);
  });

  it('shows the API’s refusal under the field it names', async () => {
    const { wrapper } = await mountPage({ 'POST /api/alerts/rules': errorReply(400, 'validation_failed', 'threshold: must be at most 100 for a percentage', 'threshold') });
    await byId(wrapper, 'new-rule').trigger('click');
    await byId(wrapper, 'rule-name').setValue('Too high');
    await byId(wrapper, 'rule-threshold').setValue('150');
    await byId(wrapper, 'rule-form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="rule-form"] .t-field__error').text()).toBe('Must be at most 100 for a percentage');
  });

  it('edits an event rule (PATCH with its fields), switches one off, and deletes one after confirmation', async () => {
    const { wrapper, calls } = await mountPage({
      'PATCH /api/alerts/rules/r-2': (call) => ({ body: { rule: makeRule(2, { name: 'Offline pi', kind: 'event', event: 'server_offline', metric: null, serverId: SERVER_B, ...(call.body as object) }) } }),
      'PATCH /api/alerts/rules/r-1': (call) => ({ body: { rule: makeRule(1, { name: 'Disk full', builtIn: true, ...(call.body as object) }) } }),
      'DELETE /api/alerts/rules/r-2': { status: 204 },
    });
    await byId(wrapper, 'rule-r-2').get('[data-testid="edit-rule"]').trigger('click');
    await settle();
    expect((byId(wrapper, 'rule-kind').element as HTMLSelectElement).value).toBe('event');
    expect((byId(wrapper, 'rule-event').element as HTMLSelectElement).value).toBe('server_offline');
    await byId(wrapper, 'rule-event').setValue('app_crashed');
    await byId(wrapper, 'rule-enabled').setValue(true);
    await byId(wrapper, 'rule-form').trigger('submit');
    await flushPromises();
    const patch = calls.find((c) => c.method === 'PATCH' && c.url === '/api/alerts/rules/r-2')!;
    expect(patch.body).toMatchObject({ kind: 'event', event: 'app_crashed', enabled: true, metric: null, threshold: null, serverId: SERVER_B, severity: 'critical' });
    expect(byId(wrapper, 'rule-r-2').get('[data-field="condition"]').text()).toBe('App crashed');

    await byId(wrapper, 'rule-r-1').findAll('button')[0].trigger('click');
    await flushPromises();
    expect(calls.find((c) => c.url === '/api/alerts/rules/r-1')!.body).toEqual({ enabled: false });
    expect(byId(wrapper, 'rule-r-1').get('[data-field="enabled"]').text()).toBe('Off');

    await byId(wrapper, 'rule-r-2').get('[data-testid="delete-rule"]').trigger('click');
    await wrapper.findAll('button').find((b) => b.text() === 'Delete rule')!.trigger('click');
    await flushPromises();
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/alerts/rules/r-2')).toBe(true);
    expect(wrapper.find('[data-testid="rule-r-2"]').exists()).toBe(false);
  });

  it('tells a user without channels that alerts stay in Tomo, without the admin link; offers "All my servers" and no failed-logins rule', async () => {
    const { wrapper } = await mountPage({ 'GET /api/alerts/channels': { body: { channels: [] } } }, ALICE);
    await byId(wrapper, 'new-rule').trigger('click');
    expect(byId(wrapper, 'rule-channels').text()).toContain('No channel yet');
    expect(byId(wrapper, 'rule-channels').find('a').exists()).toBe(false);
    expect(byId(wrapper, 'rule-server').findAll('option')[0].text()).toBe('All my servers');
    // Failed logins to Tomo are for admins to watch.
    await byId(wrapper, 'rule-kind').setValue('event');
    expect(byId(wrapper, 'rule-event').findAll('option').map((o) => o.attributes('value'))).not.toContain('login_failures');
  });
});
