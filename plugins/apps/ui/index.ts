/**
 * The apps plugin's console panels, loaded by the shell at run time from
 * `/ui/plugins/apps/index.js`. The plugin's UI contribution (src/plugin.ts) names these exports:
 * the route `/apps` → `CatalogPage`, and `ServerAppsTab` in the servers plugin's slot
 * `servers.detail.tabs` (rendered with the prop `serverId`).
 */
import './apps.css';

/** The catalog: search, categories, details, the install wizard; catalog sources for admins. */
export { default as CatalogPage } from './CatalogPage.vue';
/** The "Apps" tab of a server: installed apps, their state, start, stop, uninstall. */
export { default as ServerAppsTab } from './ServerAppsTab.vue';
