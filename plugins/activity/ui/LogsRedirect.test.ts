import { flushPromises, mount } from '@vue/test-utils';
import { h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';
import LogsRedirect from './LogsRedirect.vue';

test('/logs, the old address, is replaced by /activity with the same filters and page', async () => {
  const blank = { render: () => null };
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/logs', component: LogsRedirect }, { path: '/activity', component: blank }, { path: '/', component: blank }] });
  await router.push('/');
  await router.push('/logs?serverId=s-1&action=app&page=2');
  mount({ render: () => h(RouterView) }, { global: { plugins: [router] } });
  await flushPromises();
  expect(router.currentRoute.value.fullPath).toBe('/activity?serverId=s-1&action=app&page=2');
  // Replaced, not pushed: Back goes to where the user was before /logs.
  router.back();
  await flushPromises();
  expect(router.currentRoute.value.fullPath).toBe('/');
});
