/* eslint-disable vue/one-component-per-file -- stand-in plugin components for the slot */
import { registerPluginSlots, type PluginSlotItem } from '@tomo/ui-shell/kit';
import { enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { defineComponent, h, type Component, type PropType } from 'vue';
import { errorReply, installFakeFetch, makeUser } from '../../../ui-shell/src/test-utils/fake-fetch';
import { listRefresh } from './composables';
import { DEBIAN_FACTS, FINGERPRINT_NEW, FINGERPRINT_OLD, makeServer, panelRouter, RouteOutlet, signIn } from './test-fixtures';

enableAutoUnmount(afterEach);

const server = makeServer({
  status: 'online',
  facts: DEBIAN_FACTS,
  lastCheckedAt: new Date().toISOString(),
  hostKey: { fingerprint: FINGERPRINT_OLD, algorithm: 'ssh-ed25519', firstSeenAt: '2025-03-01T10:05:00.000Z' },
});

const ServerApps = defineComponent({
  props: { serverId: { type: String, required: true } },
  setup: (p) => () => h('p', { class: 'apps-tab' }, `apps on ${p.serverId}`),
});
const BrokenTab = defineComponent({
  setup: () => () => {
    throw new Error('metrics exploded');
  },
});

/** Stands in for the shell: other plugins' tabs in `servers.detail.tabs`. */
function placeTabs(items: Array<[PluginSlotItem, Component]>): () => void {
  const byKey = new Map(items.map(([item, component]) => [item.key, component]));
  const host = defineComponent({
    props: { item: { type: Object as PropType<PluginSlotItem>, required: true }, props: { type: Object as PropType<Record<string, unknown>>, default: () => ({}) } },
    setup: (p) => () => h(byKey.get(p.item.key)!, p.props),
  });
  return registerPluginSlots({ items: (name) => (name === 'servers.detail.tabs' ? items.map(([item]) => item) : []), host });
}

async function mountDetail(path = `/servers/${server.id}`, routes = {}) {
  const fetch = installFakeFetch({ [`GET /api/servers/${server.id}`]: { body: server }, ...routes });
  signIn(makeUser());
  const router = await panelRouter(path);
  const wrapper = mount(RouteOutlet, { global: { plugins: [router], stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router, calls: fetch.calls };
}

const tabNames = (wrapper: VueWrapper) => wrapper.findAll('[role="tab"]').map((t) => t.text());
const tab = (wrapper: VueWrapper, name: string) => wrapper.findAll('[role="tab"]').find((t) => t.text() === name)!;
const fact = (wrapper: VueWrapper, label: string) => wrapper.get(`[data-fact="${label}"]`).text();

describe('ServerDetailPage', () => {
  let unplace: () => void = () => undefined;
  afterEach(() => {
    unplace();
    jest.restoreAllMocks();
  });

  it('reads the id from the route: header with name, status, address and Test; facts and host key in Overview', async () => {
    const { wrapper, calls } = await mountDetail();
    expect(calls[0].url).toBe(`/api/servers/${server.id}`);
    expect(wrapper.get('h1').text()).toBe('nas');
    expect(wrapper.get('.servers-detail__title .servers-status').text()).toBe('Online');
    expect(wrapper.get('.page__lead').text()).toBe('admin@192.168.1.20:22');
    expect(wrapper.findAll('button').some((b) => b.text() === 'Test connection')).toBe(true);

    expect(tabNames(wrapper)).toEqual(['Overview', 'Terminal']);
    expect(fact(wrapper, 'Operating system')).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(fact(wrapper, 'Kernel')).toBe('6.1.0-18-amd64');
    expect(fact(wrapper, 'Architecture')).toBe('x86_64');
    expect(fact(wrapper, 'CPUs')).toBe('4');
    expect(fact(wrapper, 'Memory')).toBe('8.0 GiB');
    expect(fact(wrapper, 'Root disk')).toBe('250 GiB');
    expect(fact(wrapper, 'Docker')).toBe('24.0.7');
    expect(fact(wrapper, 'Host key')).toContain(FINGERPRINT_OLD);
    expect(fact(wrapper, 'Host key')).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(document.title).toBe('nas · Tomo');
  });

  it('says how to get facts before the first test', async () => {
    const { wrapper } = await mountDetail(`/servers/${server.id}`, { [`GET /api/servers/${server.id}`]: { body: makeServer() } });
    expect(wrapper.get('.servers-facts').text()).toContain('No facts yet: test the connection');
    expect(fact(wrapper, 'Host key')).toContain('Not seen yet');
  });

  it('adds one tab per item in servers.detail.tabs, rendered by its plugin with serverId; a broken one shows an error card', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    unplace = placeTabs([
      [{ key: 'apps:apps', id: 'apps', pluginId: 'apps', title: 'Apps', component: 'ServerApps' }, ServerApps],
      [{ key: 'monitoring:metrics', id: 'metrics', pluginId: 'monitoring', title: 'Metrics', component: 'ServerMetrics' }, BrokenTab],
    ]);
    const { wrapper, router } = await mountDetail();
    expect(tabNames(wrapper)).toEqual(['Overview', 'Apps', 'Metrics', 'Terminal']);
    expect(tab(wrapper, 'Overview').attributes('aria-selected')).toBe('true');
    expect(wrapper.find('.apps-tab').exists()).toBe(false);

    await tab(wrapper, 'Apps').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query.tab).toBe('apps:apps');
    expect(tab(wrapper, 'Apps').attributes('aria-selected')).toBe('true');
    expect(wrapper.get('[role="tabpanel"] .apps-tab').text()).toBe(`apps on ${server.id}`);
    expect(wrapper.find('.servers-facts').exists()).toBe(false);

    await tab(wrapper, 'Metrics').trigger('keydown', { key: 'Home' });
    await flushPromises();
    expect(router.currentRoute.value.query.tab).toBeUndefined();
    expect(wrapper.find('.servers-facts').exists()).toBe(true);

    await tab(wrapper, 'Metrics').trigger('click');
    await flushPromises();
    const card = wrapper.get('[role="tabpanel"] .plugin-error');
    expect(card.text()).toContain('"Metrics" of plugin "monitoring" stopped with an error: metrics exploded');
    // The rest of the page is unharmed.
    expect(wrapper.get('h1').text()).toBe('nas');
    await tab(wrapper, 'Apps').trigger('click');
    await flushPromises();
    expect(wrapper.get('.apps-tab').text()).toBe(`apps on ${server.id}`);
  });

  it('opens the tab named in the URL', async () => {
    unplace = placeTabs([[{ key: 'apps:apps', id: 'apps', pluginId: 'apps', title: 'Apps', component: 'ServerApps' }, ServerApps]]);
    const { wrapper } = await mountDetail(`/servers/${server.id}?tab=apps:apps`);
    expect(tab(wrapper, 'Apps').attributes('aria-selected')).toBe('true');
    expect(wrapper.find('.apps-tab').exists()).toBe(true);
  });

  it('Test connection shows the outcome and the refreshed server', async () => {
    const after = { ...server, status: 'offline' as const, lastError: 'Connection refused: nothing listens on that port' };
    let tested = false;
    const { wrapper } = await mountDetail(`/servers/${server.id}`, {
      [`GET /api/servers/${server.id}`]: () => ({ body: tested ? after : server }),
      [`POST /api/servers/${server.id}/test`]: () => {
        tested = true;
        return { body: { ok: false, status: 'offline', error: { code: 'connection_refused', message: after.lastError } } };
      },
    });
    await wrapper.findAll('button').find((b) => b.text() === 'Test connection')!.trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-test-result="error"]').text()).toBe(after.lastError);
    expect(wrapper.get('.servers-detail__title .servers-status').text()).toBe('Offline');
    expect(fact(wrapper, 'Last error')).toBe(after.lastError);
  });

  it('host key restored: once the server presents its trusted key again, the warning goes and the status is the connection\'s', async () => {
    // Issue 16: the page showed "Online" and "Host key changed … Tomo does not connect to it" at once.
    const changed = {
      ...server,
      status: 'error' as const,
      lastError: 'Host key changed: the server presented a different key than the one trusted.',
      pendingHostKey: { fingerprint: FINGERPRINT_NEW, algorithm: 'ssh-ed25519', seenAt: '2025-03-09T08:00:00.000Z' },
    };
    const restored = { ...server, status: 'online' as const, lastError: null, pendingHostKey: null, lastCheckedAt: new Date().toISOString() };
    let tested = false;
    const { wrapper } = await mountDetail(`/servers/${server.id}`, {
      [`GET /api/servers/${server.id}`]: () => ({ body: tested ? restored : changed }),
      [`POST /api/servers/${server.id}/test`]: () => {
        tested = true;
        return { body: { ok: true, status: 'online', latency: { connectMs: 12.3, commandMs: 4.5 }, hostKey: { fingerprint: FINGERPRINT_OLD, algorithm: 'ssh-ed25519', firstSeen: false }, facts: DEBIAN_FACTS } };
      },
    });
    const status = () => wrapper.get('.servers-detail__title .servers-status').text();
    expect(status()).toBe('Error');
    expect(wrapper.get('[data-host-key-changed]').get('[data-key="pending"]').text()).toBe(FINGERPRINT_NEW);

    await wrapper.findAll('button').find((b) => b.text() === 'Test connection')!.trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-host-key-changed]').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('Tomo does not connect to it');
    expect(status()).toBe('Online');
    expect(fact(wrapper, 'Host key')).toContain(FINGERPRINT_OLD);
    expect(fact(wrapper, 'Host key')).not.toContain(FINGERPRINT_NEW);
  });

  it('follows the record by itself: a changed key the poller saw dropped goes without a reload', async () => {
    const usual = listRefresh.ms;
    listRefresh.ms = 30;
    try {
      const changed = { ...server, status: 'error' as const, pendingHostKey: { fingerprint: FINGERPRINT_NEW, algorithm: 'ssh-ed25519', seenAt: '2025-03-09T08:00:00.000Z' } };
      let current: typeof server = changed;
      const { wrapper } = await mountDetail(`/servers/${server.id}`, { [`GET /api/servers/${server.id}`]: () => ({ body: current }) });
      expect(wrapper.find('[data-host-key-changed]').exists()).toBe(true);
      current = { ...server, status: 'online' };
      for (let i = 0; i < 100 && wrapper.find('[data-host-key-changed]').exists(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(wrapper.find('[data-host-key-changed]').exists()).toBe(false);
      expect(wrapper.get('.servers-detail__title .servers-status').text()).toBe('Online');
    } finally {
      listRefresh.ms = usual;
    }
  });

  it('follows the route to another server', async () => {
    const other = makeServer({ id: 'id-other', name: 'other', host: 'other.lan' });
    const { wrapper, router } = await mountDetail(`/servers/${server.id}`, { 'GET /api/servers/id-other': { body: other } });
    await router.push('/servers/id-other');
    await flushPromises();
    expect(wrapper.get('h1').text()).toBe('other');
  });

  it('a server that does not exist (or is someone else\'s) is "not found"', async () => {
    const { wrapper } = await mountDetail('/servers/missing', { 'GET /api/servers/missing': errorReply(404, 'not_found', 'Server not found') });
    expect(wrapper.text()).toContain('Server not found');
    expect(wrapper.find('[role="tablist"]').exists()).toBe(false);
  });

  it('delete goes back to the list', async () => {
    const { wrapper, router } = await mountDetail(`/servers/${server.id}`, { [`DELETE /api/servers/${server.id}`]: { status: 204 }, 'GET /api/servers': { body: { servers: [] } } });
    await wrapper.findAll('button').find((b) => b.text() === 'Delete')!.trigger('click');
    expect(wrapper.get('[role="dialog"] h2').text()).toBe('Delete nas?');
    await wrapper.get('[role="dialog"]').findAll('button').find((b) => b.text() === 'Delete server')!.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/servers');
  });
});
