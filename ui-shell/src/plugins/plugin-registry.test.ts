import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { errorReply, installFakeFetch, type FakeRoute } from '../test-utils/fake-fetch';
import { LAYOUT_ROUTE, usePluginRegistry } from './plugin-registry';

const manifest = { plugins: [{ id: 'apps', entry: '/ui/plugins/apps/index.js', slots: { 'servers.detail.tabs': [{ id: 'apps', component: 'ServerApps', title: 'Apps' }] } }] };

/** A registry and a router with the layout route plugin pages go under, as the shell has them. */
function setUp() {
  setActivePinia(createPinia());
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', name: LAYOUT_ROUTE, component: { render: () => null }, children: [] }] });
  return { registry: usePluginRegistry(), router };
}

/** The manifest route answering each reply in turn (the last one from then on). */
function answersInTurn(...replies: Array<ReturnType<typeof errorReply> | { body: unknown }>): FakeRoute {
  let next = 0;
  return () => replies[Math.min(next++, replies.length - 1)];
}

describe('loading the plugin manifest', () => {
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('a failed read (5xx) is tried again: the plugins are there, no error is left', async () => {
    const { calls } = installFakeFetch({ 'GET /api/ui/manifest': answersInTurn(errorReply(503, 'unavailable', 'busy'), { body: manifest }) });
    const { registry, router } = setUp();
    await registry.load(router, 'u-1');
    expect(calls.filter((c) => c.url.includes('/api/ui/manifest'))).toHaveLength(2);
    expect(registry.slot('servers.detail.tabs').map((item) => item.title)).toEqual(['Apps']);
    expect(registry.error).toBe('');
    expect(console.error).not.toHaveBeenCalled();
  });

  it('a refusal (4xx) is not asked again', async () => {
    const { calls } = installFakeFetch({ 'GET /api/ui/manifest': errorReply(403, 'forbidden', 'Not allowed') });
    const { registry, router } = setUp();
    await registry.load(router, 'u-1');
    expect(calls).toHaveLength(1);
    expect(registry.plugins).toEqual([]);
    expect(registry.error).toBe('Not allowed');
  });

  it('three failures in a row: the shell goes on without plugins and says why', async () => {
    const { calls } = installFakeFetch({ 'GET /api/ui/manifest': errorReply(500, 'internal', 'It broke') });
    const { registry, router } = setUp();
    await registry.load(router, 'u-1');
    expect(calls).toHaveLength(3);
    expect(registry.plugins).toEqual([]);
    expect(registry.error).toBe('It broke');
    expect(console.error).toHaveBeenCalledWith('[tomo] The plugin manifest could not be loaded', expect.anything());
  });
});
