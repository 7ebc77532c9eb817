/* eslint-disable vue/one-component-per-file -- stand-in plugin components, several per test */
import fs from 'node:fs';
import path from 'node:path';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h, nextTick, type PropType } from 'vue';
import { registerPluginSlots, usePluginSlot, type PluginSlotItem, type PluginSlotResolver } from '../plugin-slots';
import TPluginSlot from './TPluginSlot.vue';
import TPluginSlotItem from './TPluginSlotItem.vue';

// Mounted items follow the registered resolver: unmount each test's before the next registers its own.
enableAutoUnmount(afterEach);

const item = (id: string, title: string, component = 'Tab'): PluginSlotItem => ({ key: `demo:${id}`, id, pluginId: 'demo', title, component });

/**
 * A resolver standing in for the shell's: components by export name, so a test can place a
 * working item, a broken one, and one whose event handler fails.
 */
function fakeResolver(items: Record<string, PluginSlotItem[]>, components: Record<string, ReturnType<typeof defineComponent>>): PluginSlotResolver {
  const host = defineComponent({
    props: { item: { type: Object as PropType<PluginSlotItem>, required: true }, props: { type: Object as PropType<Record<string, unknown>>, default: () => ({}) } },
    setup: (p) => () => h(components[p.item.component], p.props),
  });
  return { items: (name) => items[name] ?? [], host };
}

const Greeting = defineComponent({
  props: { serverId: { type: String, default: '' } },
  setup: (p) => () => h('p', { class: 'greeting' }, `server ${p.serverId}`),
});
const Broken = defineComponent({
  setup: () => () => {
    throw new Error('boom');
  },
});

describe('TPluginSlot', () => {
  let unregister: () => void = () => undefined;
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => {
    unregister();
    jest.restoreAllMocks();
  });

  it('renders every placed item, in order, with the props it was given', () => {
    unregister = registerPluginSlots(fakeResolver({ 'servers.detail.tabs': [item('a', 'A', 'Greeting'), item('b', 'B', 'Greeting')] }, { Greeting }));
    const wrapper = mount(TPluginSlot, { props: { name: 'servers.detail.tabs', props: { serverId: 's-1' } } });
    const items = wrapper.findAll('[data-slot-item]');
    expect(items.map((i) => i.attributes('data-slot-item'))).toEqual(['demo:a', 'demo:b']);
    expect(items.map((i) => i.text())).toEqual(['server s-1', 'server s-1']);
  });

  it('shows its default slot when nothing is placed, and when no shell registered slot support', () => {
    unregister = registerPluginSlots(fakeResolver({}, {}));
    const empty = mount(TPluginSlot, { props: { name: 'nothing.here' }, slots: { default: () => h('p', { class: 'none' }, 'No extras yet') } });
    expect(empty.find('.t-plugin-slot').exists()).toBe(false);
    expect(empty.get('.none').text()).toBe('No extras yet');
    unregister();
    const outside = mount(TPluginSlot, { props: { name: 'servers.detail.tabs' } });
    expect(outside.html()).not.toContain('t-plugin-slot');
  });

  it('shows an error card in place of a broken item; the other items and the page keep working', async () => {
    unregister = registerPluginSlots(fakeResolver({ s: [item('ok', 'Fine', 'Greeting'), item('bad', 'Broken tab', 'Broken'), item('ok2', 'Also fine', 'Greeting')] }, { Greeting, Broken }));
    const Page = defineComponent(() => () => h('div', [h('h1', 'Server page'), h(TPluginSlot, { name: 's', props: { serverId: 'x' } })]));
    const wrapper = mount(Page);
    await nextTick();
    expect(wrapper.get('h1').text()).toBe('Server page');
    expect(wrapper.findAll('.greeting')).toHaveLength(2);
    const card = wrapper.get('[data-slot-item="demo:bad"] .plugin-error');
    expect(card.attributes('role')).toBe('alert');
    expect(card.text()).toContain('"Broken tab" of plugin "demo" stopped with an error: boom');
  });

  it('Try again mounts a broken item afresh', async () => {
    let fail = true;
    const Flaky = defineComponent({
      setup: () => () => {
        if (fail) throw new Error('not yet');
        return h('p', { class: 'flaky' }, 'works now');
      },
    });
    unregister = registerPluginSlots(fakeResolver({}, { Flaky }));
    const wrapper = mount(TPluginSlotItem, { props: { item: item('f', 'Flaky', 'Flaky') } });
    await nextTick();
    expect(wrapper.get('.plugin-error').text()).toContain('not yet');
    fail = false;
    await wrapper.get('.plugin-error button').trigger('click');
    await flushPromises();
    expect(wrapper.get('.flaky').text()).toBe('works now');
  });

  it('lets errors of event handlers and API calls through to the shell instead of replacing the item', async () => {
    const Clicky = defineComponent({
      setup: () => () =>
        h(
          'button',
          {
            class: 'clicky',
            onClick: () => {
              throw new Error('handler failed');
            },
          },
          'Click',
        ),
    });
    unregister = registerPluginSlots(fakeResolver({}, { Clicky }));
    const errorHandler = jest.fn();
    const wrapper = mount(TPluginSlotItem, { props: { item: item('c', 'Clicky', 'Clicky') }, global: { config: { errorHandler } } });
    await wrapper.get('.clicky').trigger('click');
    expect(errorHandler).toHaveBeenCalled();
    expect(wrapper.find('.plugin-error').exists()).toBe(false);
    expect(wrapper.find('.clicky').exists()).toBe(true);
  });

  it('without slot support, an item shows an error card rather than nothing', () => {
    const wrapper = mount(TPluginSlotItem, { props: { item: item('a', 'Extras') } });
    expect(wrapper.get('.plugin-error').text()).toContain('"Extras" of plugin "demo" needs the Tomo console');
  });
});

describe('usePluginSlot', () => {
  afterEach(() => jest.restoreAllMocks());

  it('follows the resolver: registered later, replaced, removed', async () => {
    const names: string[][] = [];
    const Probe = defineComponent(() => {
      const items = usePluginSlot('x');
      return () => {
        names.push(items.value.map((i) => i.title));
        return h('span', items.value.length);
      };
    });
    const wrapper = mount(Probe);
    expect(wrapper.text()).toBe('0');
    const first = registerPluginSlots(fakeResolver({ x: [item('1', 'One')] }, {}));
    await nextTick();
    expect(wrapper.text()).toBe('1');
    const second = registerPluginSlots(fakeResolver({ x: [item('1', 'One'), item('2', 'Two')] }, {}));
    await nextTick();
    expect(names.at(-1)).toEqual(['One', 'Two']);
    first(); // not the current one: no effect
    await nextTick();
    expect(wrapper.text()).toBe('2');
    second();
    await nextTick();
    expect(wrapper.text()).toBe('0');
  });

  it('a resolver that throws gives an empty list, not a broken page', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const remove = registerPluginSlots({
      items: () => {
        throw new Error('bad manifest');
      },
      host: defineComponent(() => () => null),
    });
    const Probe = defineComponent(() => {
      const items = usePluginSlot('x');
      return () => h('span', items.value.length);
    });
    expect(mount(Probe).text()).toBe('0');
    remove();
  });

  it('the kit imports nothing from the shell (it is built on its own into /vendor/kit.js)', () => {
    const kitDir = path.resolve(__dirname, '..');
    const files = fs.readdirSync(kitDir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|vue)$/.test(f) && !f.endsWith('.test.ts'));
    const outside = files.flatMap((f) => {
      const source = fs.readFileSync(path.join(kitDir, f), 'utf8');
      return [...source.matchAll(/from '(\.[^']+)'/g)]
        .map((m) => path.resolve(path.dirname(path.join(kitDir, f)), m[1]))
        .filter((target) => !target.startsWith(kitDir + path.sep))
        .map((target) => `${f} -> ${path.relative(kitDir, target)}`);
    });
    expect(outside).toEqual([]);
  });
});
