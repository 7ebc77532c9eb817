/**
 * The servers plugin's console panels, loaded by the shell at run time from
 * `/ui/plugins/servers/index.js`. The plugin's UI contribution (src/plugin.ts) names these exports:
 * routes `/servers` → `ServersPage` and `/servers/:id` → `ServerDetailPage`.
 *
 * Other plugins add tabs to the server page by placing items into the slot `servers.detail.tabs`
 * (`ui.slots` of their contribution); each is rendered with the prop `serverId`.
 */
import './servers.css';

/** The list of servers: status, test, add, edit, delete, host-key warnings. */
export { default as ServersPage } from './ServersPage.vue';
/** One server: facts, connection, host key, and tabs from other plugins. */
export { default as ServerDetailPage } from './ServerDetailPage.vue';
