import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeReply } from '../../../ui-shell/src/test-utils/fake-fetch';
import FiringBadge from './FiringBadge.vue';
import { firingCount } from './firing-count';
import { alertsRouter, signIn } from './test-fixtures';

enableAutoUnmount(afterEach);
afterEach(() => (firingCount.value = null));

async function mountBadge(reply: () => FakeReply, refreshMs = 60000) {
  const fetch = installFakeFetch({ 'GET /api/alerts/summary': reply });
  signIn();
  const router = await alertsRouter('/');
  const wrapper = mount(FiringBadge, { props: { refreshMs }, global: { plugins: [router] } });
  await flushPromises();
  return { wrapper, router, summaries: () => fetch.calls.filter((c) => c.url === '/api/alerts/summary').length };
}

describe('FiringBadge', () => {
  it('shows the firing count with words for screen readers, and nothing while none fire', async () => {
    let firing = 2;
    const { wrapper, router, summaries } = await mountBadge(() => ({ body: { firing } }));
    expect(wrapper.get('[data-testid="alerts-firing-badge"]').text()).toBe('2 firing');
    expect(wrapper.get('.t-sr-only').text()).toBe('firing');
    firing = 0;
    // A change of page asks again.
    await router.push('/alerts');
    await flushPromises();
    expect(summaries()).toBe(2);
    expect(wrapper.find('[data-testid="alerts-firing-badge"]').exists()).toBe(false);
  });

  it('asks again on its interval', async () => {
    let firing = 0;
    const { wrapper, summaries } = await mountBadge(() => ({ body: { firing: firing++ } }), 20);
    for (let i = 0; i < 50 && summaries() < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await flushPromises();
    }
    expect(summaries()).toBeGreaterThanOrEqual(3);
    expect(Number(wrapper.get('[data-testid="alerts-firing-badge"]').text().split(' ')[0])).toBeGreaterThanOrEqual(2);
  });

  it('shows at once the count the Alerts page loaded', async () => {
    const { wrapper } = await mountBadge(() => ({ body: { firing: 1 } }));
    firingCount.value = 0;
    await flushPromises();
    expect(wrapper.find('[data-testid="alerts-firing-badge"]').exists()).toBe(false);
    firingCount.value = 3;
    await flushPromises();
    expect(wrapper.get('[data-testid="alerts-firing-badge"]').text()).toBe('3 firing');
  });

  it('keeps the last count when the server cannot answer', async () => {
    let fail = false;
    const { wrapper, router } = await mountBadge(() => (fail ? errorReply(503, 'unavailable', 'Starting') : { body: { firing: 4 } }));
    fail = true;
    await router.push('/alerts/rules');
    await flushPromises();
    expect(wrapper.get('[data-testid="alerts-firing-badge"]').text()).toBe('4 firing');
  });
});
