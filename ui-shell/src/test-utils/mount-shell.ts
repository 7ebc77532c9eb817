import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import App from '../App.vue';
import { createConsoleRouter } from '../router';
import { installSessionExpiry } from '../session-expiry';

/**
 * Mounts the whole shell (App + the console router on memory history) at `path`, with Teleport
 * stubbed so dialogs render in place. Install a fake fetch first.
 */
export async function mountShell(path: string): Promise<{ wrapper: ReturnType<typeof mount>; router: Router; unmount: () => void }> {
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createConsoleRouter(createMemoryHistory());
  const removeExpiry = installSessionExpiry(router);
  await router.push(path);
  await router.isReady();
  const wrapper = mount(App, { global: { plugins: [pinia, router], stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return {
    wrapper,
    router,
    unmount: () => {
      removeExpiry();
      wrapper.unmount();
    },
  };
}
