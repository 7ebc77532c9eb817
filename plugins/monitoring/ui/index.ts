/**
 * The monitoring plugin's console panels, loaded by the shell at run time from
 * `/ui/plugins/monitoring/index.js`. The plugin's UI contribution (src/plugin.ts) names these
 * exports: the dashboard cards `FleetWidget` and `ServerHealthWidget`, and `ServerMetricsTab` in the
 * servers plugin's slot `servers.detail.tabs` (rendered with the prop `serverId`). The activity
 * card and page are the activity plugin's.
 */
import './monitoring.css';

/** Dashboard: servers online/offline/unknown, apps by state, average use; the auto-refresh switch. */
export { default as FleetWidget } from './FleetWidget.vue';
/** Dashboard: one tile per server with its status and CPU, memory and disk bars. */
export { default as ServerHealthWidget } from './ServerHealthWidget.vue';
/** The server page's "Metrics" tab: charts over 24h/7d/30d and the app containers. */
export { default as ServerMetricsTab } from './ServerMetricsTab.vue';
