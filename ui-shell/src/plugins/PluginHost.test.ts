import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { defineComponent, h } from 'vue';
import { importModule } from './import-module';
import { resetPluginCaches } from './load-plugin';
import PluginHost from './PluginHost.vue';

jest.mock('./import-module', () => ({ importModule: jest.fn() }));
const importMock = importModule as jest.MockedFunction<typeof importModule>;

const bundle = { id: 'servers', entry: '/ui/plugins/servers/index.js', styles: ['/ui/plugins/servers/index.css'] };

/** jsdom loads no stylesheets: tell the host they have loaded. */
async function settle(): Promise<void> {
  document.head.querySelectorAll('link[rel="stylesheet"]').forEach((l) => l.dispatchEvent(new Event('load')));
  await flushPromises();
}

function mountHost(component = 'ServersPage') {
  setActivePinia(createPinia());
  // A sibling stands for the rest of the shell: it must survive whatever the plugin does.
  const Shell = defineComponent(() => () => h('div', [h('p', { class: 'sibling' }, 'shell still here'), h(PluginHost, { plugin: bundle, component, componentProps: { greeting: 'hi' } })]));
  return mount(Shell, { attachTo: document.body });
}

describe('PluginHost', () => {
  beforeEach(() => {
    resetPluginCaches();
    importMock.mockReset();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    document.head.innerHTML = '';
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows loading, then the named export with its props, and links the plugin styles', async () => {
    let resolve: (mod: Record<string, unknown>) => void = () => undefined;
    importMock.mockReturnValue(new Promise((r) => (resolve = r)));
    const wrapper = mountHost();
    expect(wrapper.get('[role="status"]').text()).toContain('Loading');
    const link = document.head.querySelector<HTMLLinkElement>('link[rel="stylesheet"][data-plugin="servers"]');
    expect(link?.getAttribute('href')).toBe('/ui/plugins/servers/index.css');
    link?.dispatchEvent(new Event('load'));
    resolve({ ServersPage: defineComponent({ props: { greeting: { type: String, default: '' } }, setup: (p) => () => h('p', { class: 'panel' }, `${p.greeting} from servers`) }) });
    await flushPromises();
    expect(wrapper.get('.panel').text()).toBe('hi from servers');
    expect(importMock).toHaveBeenCalledWith('/ui/plugins/servers/index.js');
    wrapper.unmount();
  });

  it('shows an error card, not a broken shell, when the bundle fails to load; Try again reloads it', async () => {
    importMock.mockRejectedValueOnce(new TypeError('Failed to fetch dynamically imported module'));
    const wrapper = mountHost();
    await settle();
    const card = wrapper.get('.plugin-error');
    expect(card.attributes('role')).toBe('alert');
    expect(card.text()).toContain('could not be shown');
    expect(card.text()).toContain('plugin "servers" could not be loaded');
    expect(wrapper.get('.sibling').text()).toBe('shell still here');

    importMock.mockResolvedValueOnce({ ServersPage: { render: () => h('p', { class: 'panel' }, 'back') } });
    await card.get('button').trigger('click');
    await flushPromises();
    expect(importMock.mock.calls[1][0]).toMatch(/^\/ui\/plugins\/servers\/index\.js\?retry=\d+$/);
    expect(wrapper.get('.panel').text()).toBe('back');
    wrapper.unmount();
  });

  it('names a missing export', async () => {
    importMock.mockResolvedValue({ SomethingElse: {} });
    const wrapper = mountHost('ServersPage');
    await settle();
    expect(wrapper.get('.plugin-error').text()).toContain('Plugin "servers" has no component named "ServersPage"');
    wrapper.unmount();
  });

  it('catches a panel that throws while rendering', async () => {
    importMock.mockResolvedValue({
      ServersPage: {
        render: () => {
          throw new Error('boom');
        },
      },
    });
    const wrapper = mountHost();
    await settle();
    expect(wrapper.get('.plugin-error').text()).toContain('stopped with an error: boom');
    expect(wrapper.find('.sibling').exists()).toBe(true);
    wrapper.unmount();
  });

  it('refuses a bundle on another origin', async () => {
    setActivePinia(createPinia());
    const wrapper = mount(PluginHost, { props: { plugin: { id: 'x', entry: 'https://cdn.example/x.js', styles: [] }, component: 'X' } });
    await flushPromises();
    expect(wrapper.get('.plugin-error').text()).toContain('not on this server');
    expect(importMock).not.toHaveBeenCalled();
  });
});
