/**
 * Shared by the servers panels' component tests (never bundled: index.ts does not import it).
 * Servers as the API returns them, and a router with the plugin's two routes.
 */
import { useSession, type User } from '@tomo/ui-shell/kit';
import { createPinia, setActivePinia } from 'pinia';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView, type Router } from 'vue-router';
import type { PublicServer } from './api';
import ServerDetailPage from './ServerDetailPage.vue';
import ServersPage from './ServersPage.vue';

export const FINGERPRINT_OLD = `SHA256:${'A'.repeat(43)}`;
export const FINGERPRINT_NEW = `SHA256:${'B'.repeat(42)}c`;

export function makeServer(overrides: Partial<PublicServer> = {}): PublicServer {
  return {
    id: '0b7f5f5e-1111-4c4c-9a9a-000000000001',
    name: 'nas',
    host: '192.168.1.20',
    port: 22,
    username: 'admin',
    authType: 'password',
    hasCredentials: true,
    hostKey: null,
    pendingHostKey: null,
    status: 'unknown',
    lastError: null,
    lastCheckedAt: null,
    facts: null,
    ownerId: 'u-admin',
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

export const DEBIAN_FACTS: NonNullable<PublicServer['facts']> = {
  hostname: 'nas',
  osId: 'debian',
  osVersion: '12',
  osName: 'Debian GNU/Linux 12 (bookworm)',
  kernel: '6.1.0-18-amd64',
  architecture: 'x86_64',
  cpuCount: 4,
  memoryBytes: 8 * 1024 ** 3,
  rootDiskBytes: 250 * 1024 ** 3,
  dockerVersion: '24.0.7',
};

/** A fresh Pinia with `user` signed in (an admin unless told otherwise). */
export function signIn(user: User): void {
  setActivePinia(createPinia());
  useSession().setUser(user);
}

/** The shell's router as far as these panels care: the two plugin routes on memory history. */
export async function panelRouter(path: string): Promise<Router> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/servers', component: ServersPage },
      { path: '/servers/:id', component: ServerDetailPage },
      { path: '/:rest(.*)*', component: defineComponent(() => () => h('p', 'elsewhere')) },
    ],
  });
  await router.push(path);
  await router.isReady();
  return router;
}

/** Renders the current route, as the shell's layout does. */
export const RouteOutlet = defineComponent(() => () => h(RouterView));
