import { flushPromises } from '@vue/test-utils';
import { installFakeFetch, makeUser, sessionReply } from '../test-utils/fake-fetch';
import { mountShell } from '../test-utils/mount-shell';

jest.mock('../plugins/import-module', () => ({
  importModule: jest.fn(async () => ({
    ApiTokensPage: { render: () => 'tokens page' },
    UsersPage: { render: () => 'users page' },
    CountBadge: { render: () => '3' },
    BrokenBadge: {
      render: () => {
        throw new Error('badge broke');
      },
    },
  })),
}));

/** The same manifest for both roles: it checks the shell's own filter, in case an admin item slips through. */
function manifest() {
  const auth = {
    id: 'auth',
    version: '0.1.0',
    entry: '/ui/plugins/auth/index.js',
    styles: [],
    routes: [
      { path: '/users', component: 'UsersPage', title: 'Users', access: 'admin' },
      { path: '/tokens', component: 'ApiTokensPage', title: 'API tokens' },
    ],
    nav: [
      { label: 'API tokens', path: '/tokens', icon: 'key', order: 91 },
      { label: 'Users', path: '/users', icon: 'users', order: 90, access: 'admin' },
    ],
    widgets: [],
    slots: {},
  };
  const servers = { id: 'servers', version: '1.0.0', entry: '/ui/plugins/servers/index.js', styles: [], routes: [], nav: [{ label: 'Servers', path: '/servers', icon: 'server', order: 10 }], widgets: [], slots: {} };
  return { plugins: [auth, servers] };
}

/** Sidebar entries with badges: one that renders, one naming no export, one that breaks while rendering. */
function manifestWithBadges() {
  const [auth, servers] = manifest().plugins;
  return {
    plugins: [
      {
        ...auth,
        nav: [
          { label: 'API tokens', path: '/tokens', icon: 'key', order: 91, badge: 'NoSuchExport' },
          { label: 'Users', path: '/users', icon: 'users', order: 90, access: 'admin', badge: 'BrokenBadge' },
        ],
      },
      { ...servers, nav: [{ label: 'Servers', path: '/servers', icon: 'server', order: 10, badge: 'CountBadge' }] },
    ],
  };
}

const navLabels = (wrapper: Awaited<ReturnType<typeof mountShell>>['wrapper']) => wrapper.findAll('.shell-nav__link').map((a) => a.text());

describe('AppLayout', () => {
  it('builds the sidebar from the manifest: Dashboard first, then by order', async () => {
    installFakeFetch({ 'GET /api/auth/session': sessionReply(makeUser()), 'GET /api/ui/manifest': { body: manifest() } });
    const { wrapper, unmount } = await mountShell('/');
    expect(navLabels(wrapper)).toEqual(['Dashboard', 'Servers', 'Users', 'API tokens', 'Plugins']);
    expect(wrapper.get('.shell-nav__link.is-active').text()).toBe('Dashboard');
    expect(wrapper.get('.user-menu__button').text()).toContain('admin');
    unmount();
  });

  it("renders a nav item's badge from the plugin's bundle after the label; a missing or broken badge leaves the entry as it is", async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    installFakeFetch({ 'GET /api/auth/session': sessionReply(makeUser()), 'GET /api/ui/manifest': { body: manifestWithBadges() } });
    const { wrapper, unmount } = await mountShell('/');
    await flushPromises();
    expect(navLabels(wrapper)).toEqual(['Dashboard', 'Servers3', 'Users', 'API tokens', 'Plugins']);
    expect(wrapper.find('.plugin-error').exists()).toBe(false);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(
      expect.arrayContaining([expect.stringContaining('"NoSuchExport" of plugin "auth" could not be loaded'), expect.stringContaining('"BrokenBadge" of plugin "auth" stopped')]),
    );
    warn.mockRestore();
    unmount();
  });

  it('does not show admin items to a user', async () => {
    installFakeFetch({ 'GET /api/auth/session': sessionReply(makeUser({ id: 'u-bob', username: 'bob', role: 'user' })), 'GET /api/ui/manifest': { body: manifest() } });
    const { wrapper, router, unmount } = await mountShell('/');
    expect(navLabels(wrapper)).toEqual(['Dashboard', 'Servers', 'API tokens']);
    expect(wrapper.get('.user-menu__button').text()).toContain('bob');
    expect(wrapper.get('.user-menu__role').text()).toBe('user');
    expect(router.hasRoute('plugin:auth:/users')).toBe(false);
    unmount();
  });

  it('renders a plugin page inside the layout and marks its nav item', async () => {
    installFakeFetch({ 'GET /api/auth/session': sessionReply(makeUser()), 'GET /api/ui/manifest': { body: manifest() } });
    const { wrapper, unmount } = await mountShell('/tokens');
    await flushPromises();
    expect(wrapper.get('.shell-content').text()).toContain('tokens page');
    expect(wrapper.get('.shell-nav__link.is-active').text()).toBe('API tokens');
    unmount();
  });

  it('logs out from the user menu and forgets the plugins', async () => {
    const { calls } = installFakeFetch({
      'GET /api/auth/session': sessionReply(makeUser()),
      'GET /api/ui/manifest': { body: manifest() },
      'POST /api/auth/logout': { status: 204 },
      'GET /api/auth/setup': { body: { needsSetup: false } },
    });
    const { wrapper, router, unmount } = await mountShell('/tokens');
    await wrapper.get('.user-menu__button').trigger('click');
    const items = wrapper.findAll('[role="menuitem"]');
    expect(items.map((i) => i.text())).toEqual(['Account', 'Log out']);
    expect(items[0].attributes('href')).toBe('/account');
    await items[1].trigger('click');
    await flushPromises();
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/auth/logout')).toBe(true);
    expect(router.currentRoute.value.name).toBe('login');
    expect(router.hasRoute('plugin:auth:/tokens')).toBe(false);
    expect(wrapper.find('.shell-nav').exists()).toBe(false);
    unmount();
  });
});
