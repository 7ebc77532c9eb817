import { definePlugin, kernelHooks, type Principal } from '@tomo/kernel';

/** Fixed test credentials: the kernel knows no users, so this plugin plays the auth plugin. */
export const ADMIN_TOKEN = 'test-admin-token';
export const USER_TOKEN = 'test-user-token';
export const OTHER_USER_TOKEN = 'test-other-user-token';

export const ADMIN: Principal = { id: 'admin-1', name: 'root', role: 'admin', credentialKind: 'api_token' };
export const USER: Principal = { id: 'user-1', name: 'alice', role: 'user', credentialKind: 'api_token' };
export const OTHER_USER: Principal = { id: 'user-2', name: 'bob', role: 'user', credentialKind: 'api_token' };

const principals = new Map<string, Principal>([
  [ADMIN_TOKEN, ADMIN],
  [USER_TOKEN, USER],
  [OTHER_USER_TOKEN, OTHER_USER],
]);

/** Maps the fixed test tokens to principals through the kernel's `authenticate` hook. */
export const testAuthPlugin = definePlugin({
  id: 'test-auth',
  init(ctx) {
    ctx.hooks.of(kernelHooks).authenticate.tapPromise(ctx.pluginId, async ({ credential }) => principals.get(credential));
  },
});
