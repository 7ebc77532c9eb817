/**
 * The auth plugin's console panels, loaded by the shell at run time from
 * `/ui/plugins/auth/index.js`. The plugin's UI contribution (src/plugin.ts) names these exports:
 * routes `/users` → `UsersPage` (admin), `/tokens` → `ApiTokensPage`, `/account` → `AccountPage`.
 */
import './auth.css';

/** Users (admins only): list, create, edit, disable/enable, reset password, delete. */
export { default as UsersPage } from './UsersPage.vue';
/** The signed-in user's API tokens: list, create (secret shown once), revoke. */
export { default as ApiTokensPage } from './ApiTokensPage.vue';
/** The signed-in user's profile and password change. */
export { default as AccountPage } from './AccountPage.vue';
