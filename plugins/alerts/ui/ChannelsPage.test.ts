import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import ChannelsPage from './ChannelsPage.vue';
import { alertsRouter, makeChannel, makeDelivery, signIn } from './test-fixtures';
import type { ChannelView } from './types';

enableAutoUnmount(afterEach);
afterEach(() => window.localStorage.clear());

const SECRET = 'a-signing-secret-of-32-characters!';

async function mountPage(routes: Record<string, FakeRoute> = {}) {
  const fetch = installFakeFetch({
    'GET /api/alerts/channels': { body: { channels: [makeChannel(1, { name: 'Ops hook', health: 'failing', lastError: 'HTTP 500 from the receiver', lastDeliveryAt: '2026-12-07T10:00:00.000Z' })] } },
    ...routes,
  });
  signIn();
  const router = await alertsRouter('/alerts/channels');
  const wrapper = mount(ChannelsPage, { props: { deliveriesRefreshMs: 20 }, global: { plugins: [router], stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);
const created = (calls: FakeCall[]) => calls.filter((c) => c.method === 'POST' && c.url === '/api/alerts/channels').map((c) => c.body);

describe('ChannelsPage', () => {
  it('lists channels with kind, non-secret settings, the names of hidden secrets, health and the last error', async () => {
    const { wrapper } = await mountPage();
    const row = byId(wrapper, 'channel-c-1');
    expect(row.text()).toContain('Webhook (JSON, signed)');
    expect(row.get('[data-field="settings"]').text()).toBe('https://hooks.example.com/… Secret: url, secret (hidden)');
    expect(row.get('[data-field="health"]').text()).toContain('Failing');
    expect(row.get('[data-field="last-error"]').text()).toBe('HTTP 500 from the receiver');
  });

  it('adds a webhook channel: the signing secret is a password input, sent in config and never shown afterwards', async () => {
    const view = makeChannel(2, { name: 'Receiver', settings: { endpoint: 'http://127.0.0.1:9/…' } });
    const { wrapper, calls } = await mountPage({ 'POST /api/alerts/channels': { status: 201, body: { channel: view } } });
    await byId(wrapper, 'new-channel').trigger('click');
    const secret = byId(wrapper, 'channel-secret');
    expect(secret.attributes('type')).toBe('password');
    expect(secret.attributes('autocomplete')).toBe('new-password');
    await byId(wrapper, 'channel-name').setValue('Receiver');
    await byId(wrapper, 'channel-url').setValue('http://127.0.0.1:9/hook?token=t0k');
    await byId(wrapper, 'channel-secret').setValue(SECRET);
    await byId(wrapper, 'channel-form').trigger('submit');
    await flushPromises();
    expect(created(calls)).toEqual([{ name: 'Receiver', type: 'webhook', config: { url: 'http://127.0.0.1:9/hook?token=t0k', secret: SECRET } }]);
    expect(wrapper.find('[data-testid="channel-form"]').exists()).toBe(false);
    expect(byId(wrapper, 'channel-c-2').text()).toContain('Receiver');
    expect(wrapper.html()).not.toContain(SECRET);
    expect(wrapper.html()).not.toContain('t0k');
  });

  it('asks each kind for its own fields: email sends its port as a number and its recipients as a list', async () => {
    const { wrapper, calls } = await mountPage({ 'POST /api/alerts/channels': { status: 201, body: { channel: makeChannel(3, { type: 'email', name: 'Mail' }) } } });
    await byId(wrapper, 'new-channel').trigger('click');
    await byId(wrapper, 'channel-type').setValue('ntfy');
    expect((byId(wrapper, 'channel-serverUrl').element as HTMLInputElement).value).toBe('https://ntfy.sh');
    expect(byId(wrapper, 'channel-token').attributes('type')).toBe('password');
    await byId(wrapper, 'channel-type').setValue('email');
    expect(wrapper.find('[data-testid="channel-topic"]').exists()).toBe(false);
    await byId(wrapper, 'channel-name').setValue('Mail');
    await byId(wrapper, 'channel-form').trigger('submit');
    await flushPromises();
    expect(created(calls)).toEqual([]);
    expect(wrapper.findAll('[data-testid="channel-form"] .t-field__error').map((e) => e.text())).toEqual(['Enter the smtp server', 'Enter the from', 'Enter the to']);
    await byId(wrapper, 'channel-host').setValue('smtp.example.com');
    await byId(wrapper, 'channel-from').setValue('tomo@example.com');
    await byId(wrapper, 'channel-to').setValue('me@example.com, ops@example.com');
    await byId(wrapper, 'channel-username').setValue('tomo');
    await byId(wrapper, 'channel-password').setValue('hunter2-smtp');
    await byId(wrapper, 'channel-form').trigger('submit');
    await flushPromises();
    expect(created(calls)).toEqual([
      {
        name: 'Mail',
        type: 'email',
        config: { host: 'smtp.example.com', port: 587, security: 'starttls', from: 'tomo@example.com', to: ['me@example.com', 'ops@example.com'], username: 'tomo', password: 'hunter2-smtp' },
      },
    ]);
  });

  it('shows the API’s refusal of a config field under that field', async () => {
    const { wrapper } = await mountPage({ 'POST /api/alerts/channels': errorReply(400, 'validation_failed', 'config.topic: must be 1 to 64 letters, digits, - or _', 'config.topic') });
    await byId(wrapper, 'new-channel').trigger('click');
    await byId(wrapper, 'channel-type').setValue('ntfy');
    await byId(wrapper, 'channel-name').setValue('Phone');
    await byId(wrapper, 'channel-topic').setValue('a b');
    await byId(wrapper, 'channel-form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="channel-form"] .t-field__error').text()).toBe('Must be 1 to 64 letters, digits, - or _');
  });

  it('shows a signing secret Tomo made once, then forgets it', async () => {
    const { wrapper } = await mountPage({ 'POST /api/alerts/channels': { status: 201, body: { channel: makeChannel(4), signingSecret: 'made-by-tomo-0123456789' } } });
    await byId(wrapper, 'new-channel').trigger('click');
    await byId(wrapper, 'channel-name').setValue('Hook');
    await byId(wrapper, 'channel-url').setValue('https://example.com/hook');
    await byId(wrapper, 'channel-form').trigger('submit');
    await flushPromises();
    expect(byId(wrapper, 'made-secret').text()).toBe('made-by-tomo-0123456789');
    await wrapper.findAll('button').find((b) => b.text() === 'I have copied it')!.trigger('click');
    expect(wrapper.html()).not.toContain('made-by-tomo');
  });

  it('sends a test and follows its deliveries live: outcome, response code, error', async () => {
    let deliveries = [makeDelivery(1, { status: 'firing', outcome: 'failed', responseCode: 500, error: 'HTTP 500', attempt: 3 })];
    const tested: ChannelView = makeChannel(1, { name: 'Ops hook', health: 'failing' });
    const { wrapper, calls } = await mountPage({
      'POST /api/alerts/channels/c-1/test': () => {
        setTimeout(() => (deliveries = [makeDelivery(2, { responseCode: 204 }), ...deliveries]), 30);
        return { status: 202, body: { channel: tested } };
      },
      'GET /api/alerts/channels/c-1/deliveries': () => ({ body: { deliveries } }),
    });
    await byId(wrapper, 'test-channel').trigger('click');
    await flushPromises();
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/alerts/channels/c-1/test')).toBe(true);
    const table = () => wrapper.find('[data-testid="deliveries-table"]');
    expect(table().findAll('tbody tr').map((r) => r.attributes('data-outcome'))).toEqual(['failed']);
    expect(byId(wrapper, 'delivery-d-1').get('[data-field="response-code"]').text()).toBe('500');
    expect(byId(wrapper, 'delivery-d-1').get('[data-field="error"]').text()).toBe('HTTP 500');
    // The dialog asks again by itself until the test's attempt shows.
    for (let i = 0; i < 50 && !wrapper.find('[data-testid="delivery-d-2"]').exists(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await flushPromises();
    }
    const test = byId(wrapper, 'delivery-d-2');
    expect([test.attributes('data-status'), test.attributes('data-outcome'), test.get('[data-field="response-code"]').text()]).toEqual(['test', 'sent', '204']);
  });

  it('deletes a channel after confirmation', async () => {
    const { wrapper, calls } = await mountPage({ 'DELETE /api/alerts/channels/c-1': { status: 204 } });
    await byId(wrapper, 'delete-channel').trigger('click');
    await wrapper.findAll('button').find((b) => b.text() === 'Delete channel')!.trigger('click');
    await flushPromises();
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/alerts/channels/c-1')).toBe(true);
    expect(wrapper.find('[data-testid="channel-c-1"]').exists()).toBe(false);
  });
});
