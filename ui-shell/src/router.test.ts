import { flushPromises } from '@vue/test-utils';
import { api, useSession } from '@tomo/ui-shell/kit';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import { usePluginRegistry } from './plugins/plugin-registry';
import { createConsoleRouter } from './router';
import { installSessionExpiry } from './session-expiry';
import { errorReply, installFakeFetch, makeUser, type FakeRoute, sessionReply } from './test-utils/fake-fetch';

const manifest = {
  plugins: [
    {
      id: 'auth',
      version: '0.1.0',
      entry: '/ui/plugins/auth/index.js',
      styles: [],
      routes: [
        { path: '/users', component: 'UsersPage', title: 'Users', access: 'admin' },
        { path: '/tokens', component: 'ApiTokensPage', title: 'API tokens' },
      ],
      nav: [],
      widgets: [],
      slots: {},
    },
  ],
};

const unauthorized = errorReply(401, 'unauthorized', 'Authentication required');

function setup(routes: Record<string, FakeRoute>): { router: Router; calls: ReturnType<typeof installFakeFetch>['calls'] } {
  setActivePinia(createPinia());
  const { calls } = installFakeFetch({ 'GET /api/ui/manifest': { body: manifest }, ...routes });
  return { router: createConsoleRouter(createMemoryHistory()), calls };
}

describe('console router guard', () => {
  it('sends a visitor without a session to the login page, remembering the page', async () => {
    const { router } = setup({ 'GET /api/auth/session': sessionReply(null), 'GET /api/auth/setup': { body: { needsSetup: false } } });
    await router.push('/users?sort=name');
    expect(router.currentRoute.value.name).toBe('login');
    expect(router.currentRoute.value.query.redirect).toBe('/users?sort=name');
  });

  it('sends the first visitor to the setup page while no admin exists', async () => {
    const { router } = setup({ 'GET /api/auth/session': sessionReply(null), 'GET /api/auth/setup': { body: { needsSetup: true } } });
    await router.push('/');
    expect(router.currentRoute.value.name).toBe('setup');
  });

  it('does not show the setup page once Tomo is set up', async () => {
    const { router } = setup({ 'GET /api/auth/session': sessionReply(null), 'GET /api/auth/setup': { body: { needsSetup: false } } });
    await router.push('/setup');
    expect(router.currentRoute.value.name).toBe('login');
  });

  it('adds the plugin routes after sign-in, so a deep link opens the plugin page', async () => {
    const { router, calls } = setup({ 'GET /api/auth/session': sessionReply(makeUser()) });
    await router.push('/users');
    expect(router.currentRoute.value.name).toBe('plugin:auth:/users');
    expect(router.currentRoute.value.meta.title).toBe('Users');
    expect(calls.filter((c) => c.url === '/api/ui/manifest')).toHaveLength(1);
  });

  it('asks for no manifest while signed out, and for it once after the session says who is signed in', async () => {
    // Asked before the session answered, a signed-out load would log a failed (401) manifest request.
    let signedIn = false;
    const order: string[] = [];
    const { router, calls } = setup({
      'GET /api/auth/session': () => {
        order.push('session');
        return sessionReply(signedIn ? makeUser() : null);
      },
      'GET /api/auth/setup': { body: { needsSetup: false } },
      'GET /api/ui/manifest': () => {
        order.push('manifest');
        return { body: manifest };
      },
    });
    await router.push('/users');
    expect(router.currentRoute.value.name).toBe('login');
    expect(calls.filter((c) => c.url === '/api/ui/manifest')).toHaveLength(0);
    expect(calls.every((c) => c.url !== '/api/auth/me')).toBe(true);

    signedIn = true;
    await useSession().refresh();
    await router.push('/users');
    expect(router.currentRoute.value.name).toBe('plugin:auth:/users');
    expect(order).toEqual(['session', 'session', 'manifest']);
  });

  it('shows the not-found page inside the layout for unknown paths', async () => {
    const { router } = setup({ 'GET /api/auth/session': sessionReply(makeUser()) });
    await router.push('/no/such/page');
    expect(router.currentRoute.value.name).toBe('not-found');
    expect(router.currentRoute.value.matched[0].name).toBe('layout');
  });

  it('sends a signed-in user away from the login page to the (safe) redirect target', async () => {
    const { router } = setup({ 'GET /api/auth/session': sessionReply(makeUser()) });
    await router.push('/login?redirect=//evil.example/');
    expect(router.currentRoute.value.fullPath).toBe('/');
    await router.push('/login?redirect=/tokens');
    expect(router.currentRoute.value.fullPath).toBe('/tokens');
  });

  it('reloads the manifest when another user signs in', async () => {
    const { router, calls } = setup({ 'GET /api/auth/session': sessionReply(makeUser()) });
    await router.push('/users');
    useSession().setUser(makeUser({ id: 'u-bob', username: 'bob', role: 'user' }));
    await router.push('/tokens');
    expect(calls.filter((c) => c.url === '/api/ui/manifest')).toHaveLength(2);
  });

  it('goes to the login page, with the way back, when a request answers 401', async () => {
    const { router } = setup({ 'GET /api/auth/session': sessionReply(makeUser()), 'GET /api/users': unauthorized });
    const remove = installSessionExpiry(router);
    await router.push('/tokens');
    await expect(api.get('/api/users')).rejects.toMatchObject({ status: 401 });
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('login');
    expect(router.currentRoute.value.query.redirect).toBe('/tokens');
    expect(useSession().user).toBeNull();
    expect(usePluginRegistry().loadedFor).toBeNull();
    expect(router.hasRoute('plugin:auth:/tokens')).toBe(false);
    remove();
  });
});
