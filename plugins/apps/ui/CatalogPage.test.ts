import { enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { CatalogAppSummary } from './api';
import CatalogPage from './CatalogPage.vue';
import { ADMIN, ALICE, HOSTILE_NAME, JELLYFIN, KUMA, listOf, makeApp, makeStatus, makeSummary, PORTAINER, PORTAINER_APP, signIn, TARGETS } from './test-fixtures';

enableAutoUnmount(afterEach);
afterEach(() => {
  jest.useRealTimers();
  window.localStorage.clear();
});

const ALL = [KUMA, PORTAINER, JELLYFIN];

/** The catalog route: filters like the server (every word in name or description; category exact). */
function catalogRoute(apps: CatalogAppSummary[] = ALL): FakeRoute {
  return (call) => {
    const params = new URL(call.url, 'http://tomo.test').searchParams;
    const words = (params.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const category = params.get('category');
    const found = apps.filter((a) => (!category || a.category === category) && words.every((w) => `${a.name} ${a.description}`.toLowerCase().includes(w)));
    return { body: listOf(found, apps.length) };
  };
}

async function mountPage(options: { user?: typeof ADMIN; routes?: Record<string, FakeRoute>; apps?: CatalogAppSummary[] } = {}) {
  const fetch = installFakeFetch({
    'GET /api/apps/catalog': catalogRoute(options.apps),
    'GET /api/apps/catalogs': { body: makeStatus() },
    ...options.routes,
  });
  signIn(options.user ?? ADMIN);
  const wrapper = mount(CatalogPage, { global: { stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);
const has = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`).exists();
const cards = (wrapper: VueWrapper) => wrapper.findAll('[data-testid^="app-card-"]').map((c) => c.attributes('data-app'));
const catalogCalls = (calls: FakeCall[]) => calls.filter((c) => c.url.startsWith('/api/apps/catalog?') || c.url === '/api/apps/catalog').map((c) => c.url);

describe('CatalogPage', () => {
  it('shows every app as a card: initial for a missing icon, name, category, version, description, badges', async () => {
    const { wrapper } = await mountPage();
    expect(wrapper.get('h1').text()).toBe('Apps');
    expect(cards(wrapper)).toEqual(['uptime-kuma', 'portainer', 'jellyfin']);
    expect(byId(wrapper, 'catalog-count').text()).toBe('3 apps');

    const kuma = byId(wrapper, 'app-card-uptime-kuma');
    expect(kuma.element.tagName).toBe('BUTTON');
    expect(kuma.get('.apps-card__name').text()).toBe('Uptime Kuma');
    expect(kuma.get('[data-field="category"]').text()).toBe('Monitoring');
    expect(kuma.get('[data-field="version"]').text()).toBe('2');
    expect(kuma.get('.apps-card__description').text()).toBe(KUMA.description);
    expect(kuma.get('[data-icon-initial]').text()).toBe('U');
    expect(kuma.find('[data-badge]').exists()).toBe(false);

    const portainer = byId(wrapper, 'app-card-portainer');
    expect(portainer.get('[data-badge="admin-only"]').text()).toBe('Admin only');
    expect(portainer.get('[data-badge="warnings"]').text()).toContain('1 warning');

    // An icon that cannot be loaded (e.g. refused by the Content-Security-Policy) falls back to the initial.
    const jellyfin = byId(wrapper, 'app-card-jellyfin');
    expect(jellyfin.get('[data-field="category"]').text()).toBe('Media server');
    const img = jellyfin.get('img');
    expect(img.attributes('src')).toBe('https://example.com/jellyfin.svg');
    expect(img.attributes('alt')).toBe('');
    expect(img.attributes('referrerpolicy')).toBe('no-referrer');
    await img.trigger('error');
    expect(jellyfin.find('img').exists()).toBe(false);
    expect(jellyfin.get('[data-icon-initial]').text()).toBe('J');
  });

  it('searches as the user types (debounced), and filters by category', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { wrapper, calls } = await mountPage();
    expect(catalogCalls(calls)).toEqual(['/api/apps/catalog']);

    const search = byId(wrapper, 'catalog-search');
    expect(wrapper.get(`label[for="${search.attributes('id')}"]`).text()).toBe('Search apps');
    await search.setValue('m');
    await search.setValue('me');
    await search.setValue('media');
    jest.advanceTimersByTime(249);
    await flushPromises();
    expect(catalogCalls(calls)).toHaveLength(1);
    jest.advanceTimersByTime(1);
    await flushPromises();
    expect(catalogCalls(calls)).toEqual(['/api/apps/catalog', '/api/apps/catalog?q=media']);
    expect(cards(wrapper)).toEqual(['jellyfin']);
    expect(byId(wrapper, 'catalog-count').text()).toBe('1 app found of 3');

    await search.setValue('');
    jest.advanceTimersByTime(250);
    await flushPromises();
    const filter = byId(wrapper, 'category-filter');
    expect(filter.findAll('option').map((o) => o.text())).toEqual(['All categories', 'Management (1)', 'Media server (1)', 'Monitoring (1)']);
    await filter.setValue('management');
    await flushPromises();
    expect(catalogCalls(calls).at(-1)).toBe('/api/apps/catalog?category=management');
    expect(cards(wrapper)).toEqual(['portainer']);
  });

  it('says when nothing matches, and "Show all apps" clears the filters', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const { wrapper } = await mountPage();
    await byId(wrapper, 'catalog-search').setValue('nothing-like-this');
    jest.advanceTimersByTime(250);
    await flushPromises();
    expect(wrapper.get('.t-empty__title').text()).toBe('No app matches');
    await wrapper.get('.t-empty button').trigger('click');
    jest.advanceTimersByTime(250);
    await flushPromises();
    expect(cards(wrapper)).toHaveLength(3);
    expect((byId(wrapper, 'catalog-search').element as HTMLInputElement).value).toBe('');
  });

  it('switches between tiles and a list, and remembers the choice', async () => {
    const first = await mountPage();
    expect(byId(first.wrapper, 'catalog-results').attributes('data-layout')).toBe('grid');
    expect(byId(first.wrapper, 'view-grid').attributes('aria-pressed')).toBe('true');
    await byId(first.wrapper, 'view-list').trigger('click');
    expect(byId(first.wrapper, 'catalog-results').attributes('data-layout')).toBe('list');
    expect(byId(first.wrapper, 'view-list').attributes('aria-pressed')).toBe('true');
    expect(byId(first.wrapper, 'view-grid').attributes('aria-pressed')).toBe('false');
    expect(byId(first.wrapper, 'app-card-uptime-kuma').classes()).toContain('apps-card--list');
    first.wrapper.unmount();

    const again = await mountPage();
    expect(byId(again.wrapper, 'catalog-results').attributes('data-layout')).toBe('list');
    again.wrapper.unmount();

    // A stored value this version does not know is ignored.
    window.localStorage.setItem('tomo.apps.catalogLayout', 'carousel');
    const odd = await mountPage();
    expect(byId(odd.wrapper, 'catalog-results').attributes('data-layout')).toBe('grid');
  });

  it('shows why the catalog could not be loaded, and tries again', async () => {
    let fail = true;
    const { wrapper } = await mountPage({
      routes: { 'GET /api/apps/catalog': (call) => (fail ? errorReply(503, 'unavailable', 'The catalog is loading') : (catalogRoute() as (c: FakeCall) => { body: unknown })(call)) },
    });
    expect(wrapper.get('[role="alert"]').text()).toContain('The catalog could not be loaded: The catalog is loading');
    fail = false;
    await wrapper.get('[role="alert"] button').trigger('click');
    await flushPromises();
    expect(cards(wrapper)).toHaveLength(3);
  });

  it('an app imported from a store: Unavailable on its card; the store, licence, attribution and refusals in its details; no install', async () => {
    const store = { id: 'casaos', format: 'casaos' as const, name: 'CasaOS app store', licence: 'Apache-2.0', attribution: "App definitions by the CasaOS app store's contributors" };
    const reason = 'services.transcoder.devices: device passthrough is not supported by Tomo\'s installer';
    const gpu = makeSummary({ id: 'casaos-gpu', name: 'GPU Transcoder', source: { id: 'store:casaos', label: 'CasaOS app store', kind: 'import' }, store, unavailable: reason });
    const { wrapper } = await mountPage({
      apps: [KUMA, gpu],
      routes: {
        'GET /api/apps/catalog/casaos-gpu': {
          body: { app: makeApp({ id: 'casaos-gpu', name: 'GPU Transcoder' }), source: gpu.source, imported: { store, storeAppId: 'gpu-transcoder', unavailable: reason, refusals: [{ field: 'services.transcoder.devices', reason: 'device passthrough is not supported by Tomo\'s installer' }] } },
        },
      },
    });
    expect(byId(wrapper, 'app-card-casaos-gpu').get('[data-badge="unavailable"]').text()).toBe('Unavailable');
    expect(byId(wrapper, 'app-card-uptime-kuma').find('[data-badge="unavailable"]').exists()).toBe(false);
    await byId(wrapper, 'app-card-casaos-gpu').trigger('click');
    await flushPromises();
    expect(byId(wrapper, 'app-unavailable').text()).toBe(`This app cannot be installed: ${reason}`);
    const section = byId(wrapper, 'app-store');
    expect(section.get('[data-fact="store"]').text()).toBe('CasaOS app store (app gpu-transcoder)');
    expect(section.get('[data-fact="licence"]').text()).toBe('Apache-2.0');
    expect(section.get('[data-fact="attribution"]').text()).toBe("App definitions by the CasaOS app store's contributors");
    expect(byId(wrapper, 'app-refusals').text()).toContain('services.transcoder.devices: device passthrough is not supported');
    expect(byId(wrapper, 'install-button').attributes('disabled')).toBeDefined();
  });

  it('opens the details from a card, and the install wizard from there', async () => {
    const { wrapper } = await mountPage({
      routes: {
        'GET /api/apps/catalog/portainer': { body: { app: PORTAINER_APP, source: PORTAINER.source } },
        'GET /api/apps/targets': { body: { servers: TARGETS } },
      },
    });
    await byId(wrapper, 'app-card-portainer').trigger('click');
    await flushPromises();
    expect(byId(wrapper, 'app-detail').attributes('data-app')).toBe('portainer');
    expect(byId(wrapper, 'app-warnings').text()).toContain('Mounts the Docker socket');

    await byId(wrapper, 'install-button').trigger('click');
    await flushPromises();
    expect(has(wrapper, 'app-detail')).toBe(false);
    expect(byId(wrapper, 'install-wizard').attributes('data-step')).toBe('server');
    expect(wrapper.get('.t-dialog__title').text()).toBe('Install Portainer CE');
  });

  it('for an admin: the Catalogs button shows the problem count, the sources with file, field and message, and reloads', async () => {
    const reloaded = makeStatus({ catalogs: [makeStatus().catalogs[0]] });
    const { wrapper, calls } = await mountPage({ routes: { 'POST /api/apps/catalogs/reload': { body: reloaded } } });
    const button = byId(wrapper, 'catalogs-button');
    expect(button.text()).toContain('Catalogs');
    expect(button.get('.t-badge').text()).toBe('1 with errors');

    await button.trigger('click');
    await flushPromises();
    const status = byId(wrapper, 'catalog-status');
    const folder = status.get('[data-catalog="folder:/etc/tomo/apps"]');
    expect(folder.get('h3').text()).toBe('/etc/tomo/apps');
    const rows = (kind: string) => folder.findAll(`[data-issues="${kind}"] tbody tr`).map((tr) => tr.findAll('td').map((td) => td.text()));
    expect(rows('errors')).toEqual([['/etc/tomo/apps/broken.yaml, line 7', 'ports.0.host', 'must be 1 to 65535']]);
    expect(rows('warnings')).toEqual([['/etc/tomo/apps/jellyfin.yaml', 'volumes.0.host', '"/media" is outside the app data root']]);
    expect(status.get('[data-catalog="builtin"]').text()).toContain('No problems.');

    await byId(wrapper, 'catalog-reload').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/apps/catalogs/reload']);
    expect(byId(wrapper, 'catalog-status').find('[data-catalog="folder:/etc/tomo/apps"]').exists()).toBe(false);
    expect(button.find('.t-badge').exists()).toBe(false);
    // The list is read again after a reload.
    expect(catalogCalls(calls)).toHaveLength(2);
  });

  it('for a user: no Catalogs button, and the catalog status is never asked for', async () => {
    const { wrapper, calls } = await mountPage({ user: ALICE });
    expect(has(wrapper, 'catalogs-button')).toBe(false);
    expect(calls.some((c) => c.url === '/api/apps/catalogs')).toBe(false);
  });

  it('renders markup in names, descriptions and categories as text', async () => {
    const hostile = makeSummary({ id: 'evil', name: HOSTILE_NAME, description: `<script>alert(1)</script>${HOSTILE_NAME}`, category: 'x<b>y</b>', version: '<i>1</i>' });
    const { wrapper } = await mountPage({
      apps: [hostile],
      routes: { 'GET /api/apps/catalog/evil': { body: { app: makeApp({ id: 'evil', name: HOSTILE_NAME, notes: HOSTILE_NAME, description: HOSTILE_NAME }), source: hostile.source } } },
    });
    const card = byId(wrapper, 'app-card-evil');
    expect(card.get('.apps-card__name').text()).toBe(HOSTILE_NAME);
    expect(card.get('[data-field="version"]').text()).toBe('<i>1</i>');
    expect(card.find('img, script, b, i').exists()).toBe(false);

    await card.trigger('click');
    await flushPromises();
    expect(wrapper.get('.t-dialog__title').text()).toBe(HOSTILE_NAME);
    expect(byId(wrapper, 'app-notes').text()).toBe(HOSTILE_NAME);
    expect(document.querySelector('img[src="x"], script:not([src]), b')).toBeNull();
  });
});
