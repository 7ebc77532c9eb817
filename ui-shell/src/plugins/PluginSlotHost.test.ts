/* eslint-disable vue/one-component-per-file -- stand-in plugin components, several per test */
import { TPluginSlot, usePluginSlot } from '@tomo/ui-shell/kit';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { defineComponent, h } from 'vue';
import { importModule } from './import-module';
import { resetPluginCaches } from './load-plugin';
import { normalizeManifest } from './manifest';
import { usePluginRegistry } from './plugin-registry';

jest.mock('./import-module', () => ({ importModule: jest.fn() }));
const importMock = importModule as jest.MockedFunction<typeof importModule>;
enableAutoUnmount(afterEach);

const manifest = {
  plugins: [
    {
      id: 'apps',
      entry: '/ui/plugins/apps/index.js',
      slots: { 'servers.detail.tabs': [{ id: 'apps', component: 'ServerApps', title: 'Apps', order: 20 }] },
    },
    {
      id: 'monitoring',
      entry: '/ui/plugins/monitoring/index.js',
      slots: {
        'servers.detail.tabs': [
          { id: 'metrics', component: 'ServerMetrics', title: 'Metrics', order: 10 },
          { id: 'broken', component: 'Missing', title: 'Broken' },
        ],
        'dashboard.extra': [{ id: 'x', component: 'X', title: 'X' }],
      },
    },
  ],
};

/** A registry holding `manifest`, as the router guard leaves it after sign-in. */
function loadedRegistry() {
  setActivePinia(createPinia());
  const registry = usePluginRegistry();
  registry.plugins = normalizeManifest(manifest);
  return registry;
}

describe('plugin slots through the shell', () => {
  beforeEach(() => {
    resetPluginCaches();
    importMock.mockReset();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('the registry lists a slot across plugins, in order, with keys', () => {
    const registry = loadedRegistry();
    expect(registry.slot('servers.detail.tabs').map((i) => [i.key, i.title, i.pluginId])).toEqual([
      ['monitoring:metrics', 'Metrics', 'monitoring'],
      ['apps:apps', 'Apps', 'apps'],
      ['monitoring:broken', 'Broken', 'monitoring'],
    ]);
    expect(registry.slot('nobody.uses.this')).toEqual([]);
  });

  it('the kit sees the registry once it exists, and follows manifest changes', async () => {
    const registry = loadedRegistry();
    const Probe = defineComponent(() => {
      const items = usePluginSlot('servers.detail.tabs');
      return () => h('p', items.value.map((i) => i.title).join(','));
    });
    const wrapper = mount(Probe);
    expect(wrapper.text()).toBe('Metrics,Apps,Broken');
    registry.plugins = normalizeManifest({ plugins: [manifest.plugins[0]] });
    await flushPromises();
    expect(wrapper.text()).toBe('Apps');
  });

  it('TPluginSlot loads each plugin once and renders its component with the props; a broken item shows an error card', async () => {
    loadedRegistry();
    importMock.mockImplementation(async (url) => {
      if (url.startsWith('/ui/plugins/apps/')) return { ServerApps: defineComponent({ props: { serverId: { type: String, default: '' } }, setup: (p) => () => h('p', { class: 'apps' }, `apps of ${p.serverId}`) }) };
      return { ServerMetrics: defineComponent({ props: { serverId: { type: String, default: '' } }, setup: (p) => () => h('p', { class: 'metrics' }, `metrics of ${p.serverId}`) }) };
    });
    const wrapper = mount(defineComponent(() => () => h('div', [h('h1', 'Server'), h(TPluginSlot, { name: 'servers.detail.tabs', props: { serverId: 's-9' } })])));
    await flushPromises();
    expect(wrapper.get('h1').text()).toBe('Server');
    expect(wrapper.get('.metrics').text()).toBe('metrics of s-9');
    expect(wrapper.get('.apps').text()).toBe('apps of s-9');
    expect(wrapper.get('[data-slot-item="monitoring:broken"] .plugin-error').text()).toContain('Plugin "monitoring" has no component named "Missing"');
    expect(importMock.mock.calls.map((c) => c[0]).sort()).toEqual(['/ui/plugins/apps/index.js', '/ui/plugins/monitoring/index.js']);
  });
});
