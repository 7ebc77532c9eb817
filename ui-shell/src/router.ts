import { api, useSession } from '@tomo/ui-shell/kit';
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteLocationRaw, type Router, type RouterHistory } from 'vue-router';
import { reportError } from './errors';
import AppLayout from './layout/AppLayout.vue';
import DashboardPage from './pages/DashboardPage.vue';
import PluginsPage from './pages/PluginsPage.vue';
import LoginPage from './pages/LoginPage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';
import SetupPage from './pages/SetupPage.vue';
import { LAYOUT_ROUTE, usePluginRegistry } from './plugins/plugin-registry';
import { loginLocation, safeRedirect } from './redirect';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (login, setup). */
    public?: boolean;
    /** Shown in the header and the document title. */
    title?: string;
    access?: 'authenticated' | 'admin';
    /** The plugin a page comes from. */
    pluginId?: string;
  }
}

/** Asks whether Tomo still needs its first admin; undefined when the server cannot tell. */
async function needsSetup(): Promise<boolean | undefined> {
  try {
    return (await api.get<{ needsSetup: boolean }>('/api/auth/setup')).needsSetup === true;
  } catch {
    return undefined;
  }
}

/**
 * The navigation guard. Login and setup are public; every other page needs a session, and
 * without one leads to the setup page (no admin yet) or to the login page, which comes back here.
 * After sign-in it loads the manifest for that user and adds the plugins' routes, then
 * re-resolves the target so a deep link to a plugin page works on a fresh load.
 */
export function consoleGuard(router: Router) {
  return async (to: RouteLocationNormalized): Promise<boolean | RouteLocationRaw> => {
    const session = useSession();
    if (!session.checked) {
      // The manifest is asked for only once someone is signed in (below): asked for before,
      // a signed-out visitor's first load would log a failed request.
      try {
        await session.refresh();
      } catch (err) {
        reportError(err);
      }
    }

    if (to.meta.public) {
      if (to.name === 'setup') {
        if (session.user) return '/';
        return (await needsSetup()) === false ? { name: 'login' } : true;
      }
      if (to.name === 'login' && session.user) return safeRedirect(to.query.redirect);
      return true;
    }

    if (!session.user) {
      if (await needsSetup()) return { name: 'setup' };
      return loginLocation(to.fullPath);
    }

    const registry = usePluginRegistry();
    if (registry.loadedFor !== session.user.id) {
      await registry.load(router, session.user.id);
      if (!session.user) return loginLocation(to.fullPath);
      // The new routes may match this path better than the not-found page did.
      const again = router.resolve(to.fullPath);
      if (again.name !== to.name) return to.fullPath;
    }

    if (to.meta.access === 'admin' && !session.isAdmin) {
      return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') }, query: to.query, hash: to.hash };
    }
    return true;
  };
}

/** The console's router: login, setup, and the layout holding the dashboard, plugin pages and not-found. */
export function createConsoleRouter(history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({
    history,
    routes: [
      { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: 'Sign in' } },
      { path: '/setup', name: 'setup', component: SetupPage, meta: { public: true, title: 'Set up Tomo' } },
      {
        path: '/',
        name: LAYOUT_ROUTE,
        component: AppLayout,
        children: [
          { path: '', name: 'dashboard', component: DashboardPage, meta: { title: 'Dashboard' } },
          { path: 'plugins', name: 'plugins', component: PluginsPage, meta: { title: 'Plugins', access: 'admin' } },
          { path: ':pathMatch(.*)*', name: 'not-found', component: NotFoundPage, meta: { title: 'Not found' } },
        ],
      },
    ],
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });
  router.beforeEach(consoleGuard(router));
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · Tomo` : 'Tomo';
  });
  return router;
}
