import { TAutoRefreshToggle, useAutoRefresh } from '@tomo/ui-shell/kit';
import { enableAutoUnmount, flushPromises, mount, RouterLinkStub } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { errorReply, installFakeFetch, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import ActivityWidget from './ActivityWidget.vue';
import { HOSTILE, makeEntry, makePage, sequence, signIn } from './test-fixtures';

enableAutoUnmount(afterEach);
afterEach(() => {
  jest.useRealTimers();
  window.localStorage.clear();
});

const ACTIVITY = 'GET /api/activity';

async function mountWidget(routes: Record<string, FakeRoute>, props: Record<string, unknown> = {}) {
  const fetch = installFakeFetch(routes);
  signIn();
  const wrapper = mount(ActivityWidget, { props, global: { stubs: { RouterLink: RouterLinkStub } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

describe('ActivityWidget', () => {
  it('asks for the last ten entries and shows each as the API words it, with the action code as its tooltip, result and door', async () => {
    const entries = [
      makeEntry(1, { action: 'auth.login', targetType: 'user', targetName: 'alice', summary: 'alice signed in from the console' }),
      makeEntry(2, { username: null, userId: null, action: 'server.offline', targetType: 'server', targetName: 'pi', result: 'failed', door: 'system' }),
      makeEntry(3, { targetName: HOSTILE, door: 'mcp' }),
    ];
    const { wrapper, calls } = await mountWidget({ [ACTIVITY]: { body: makePage(entries, 312, 1, 10) } });
    expect(calls.map((c) => c.url)).toEqual(['/api/activity?pageSize=10']);
    const item = (id: string, name: string) => wrapper.get(`[data-testid="activity-${id}"] [data-field="${name}"]`);
    expect([item('e-1', 'summary').text(), item('e-1', 'summary').attributes('title'), item('e-1', 'door').text()]).toEqual(['alice signed in from the console', 'auth.login', 'via Console']);
    expect([item('e-2', 'summary').text(), item('e-2', 'summary').attributes('title'), item('e-2', 'door').text()]).toEqual(['Server pi went offline', 'server.offline', 'via System']);
    // The code is not shown as text (only as the tooltip), so it cannot break mid-word.
    expect(wrapper.text()).not.toContain('auth.login');
    expect(wrapper.get('[data-testid="activity-e-2"] .t-badge').text()).toBe('Failed');
    expect(wrapper.get('[data-testid="activity-e-1"] .t-badge').text()).toBe('OK');
    expect(wrapper.get('[data-testid="activity-e-1"] time').attributes('datetime')).toBe(entries[0].at);
    expect(item('e-3', 'summary').text()).toBe(`alice installed app ${HOSTILE}`);
    expect(wrapper.find('.act-feed img').exists()).toBe(false);
    expect(wrapper.getComponent(RouterLinkStub).props('to')).toBe('/activity');
  });

  it('says when nothing happened yet, and shows an error with a retry', async () => {
    const empty = await mountWidget({ [ACTIVITY]: { body: makePage([]) } });
    expect(empty.wrapper.text()).toContain('Nothing has happened yet.');
    empty.wrapper.unmount();
    const { wrapper } = await mountWidget({ [ACTIVITY]: sequence(errorReply(403, 'forbidden', 'Not allowed'), { body: makePage([makeEntry(1)]) }) });
    expect(wrapper.get('[role="alert"]').text()).toContain('The activity could not be loaded: Not allowed');
    await wrapper.get('[role="alert"] button').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="activity-e-1"]').exists()).toBe(true);
  });

  it('asks again every interval while the shared auto-refresh switch is on, not while it is off', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { calls } = await mountWidget({ [ACTIVITY]: { body: makePage([makeEntry(1)]) } }, { refreshMs: 1000 });
    expect(calls).toHaveLength(1);
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(calls).toHaveLength(2);
    // Another plugin's card with the switch (the monitoring Fleet card): the switch is the kit's, shared.
    const other = mount(
      defineComponent({
        setup() {
          const { enabled } = useAutoRefresh(async () => undefined, 60000);
          return () => h(TAutoRefreshToggle, { modelValue: enabled.value, 'onUpdate:modelValue': (on: boolean) => (enabled.value = on) });
        },
      }),
    );
    await other.get('[data-testid="auto-refresh"]').setValue(false);
    jest.advanceTimersByTime(5000);
    await flushPromises();
    expect(calls).toHaveLength(2);
    await other.get('[data-testid="auto-refresh"]').setValue(true);
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(calls).toHaveLength(3);
  });
});
