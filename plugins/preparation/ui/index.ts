/**
 * The preparation plugin's console panels, loaded by the shell at run time from
 * `/ui/plugins/preparation/index.js`. The plugin's UI contribution (src/plugin.ts) places
 * `PreparationTab` into the servers plugin's slot `servers.detail.tabs`; the server page renders
 * it with the prop `serverId`.
 */
import './preparation.css';

/** The "Preparation" tab of a server: prepare it for apps, follow the run live, retry a failed one. */
export { default as PreparationTab } from './PreparationTab.vue';
