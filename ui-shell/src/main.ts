/**
 * The console's entry. Boot order: the router's guard asks the server for the session
 * (`GET /api/auth/session`, which answers 200 signed in or not); without one it checks whether Tomo still needs its first admin
 * (`GET /api/auth/setup`) and shows the setup or the login page; with one it reads the plugin
 * manifest and adds the plugins' pages. The app is mounted once that first navigation is settled.
 */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { installErrorReporting } from './errors';
import { createConsoleRouter } from './router';
import { installSessionExpiry } from './session-expiry';
import './styles/base.css';
import './styles/kit.css';
import './styles/layout.css';

const app = createApp(App);
app.use(createPinia());
const router = createConsoleRouter();
app.use(router);
installErrorReporting(app);
installSessionExpiry(router);

router
  .isReady()
  .catch((err: unknown) => console.error('[tomo] First navigation failed', err))
  .finally(() => app.mount('#app'));
