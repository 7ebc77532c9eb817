/**
 * The activity plugin's console panels, loaded by the shell at run time from
 * `/ui/plugins/activity/index.js`. The plugin's UI contribution (src/plugin.ts) names these
 * exports: the dashboard card `ActivityWidget`, the route `/activity` → `ActivityPage`, and
 * `/logs` → `LogsRedirect` (the page's old address).
 */
import './activity.css';

/** Dashboard: the last ten activity entries. */
export { default as ActivityWidget } from './ActivityWidget.vue';
/** The activity log with filters (kept in the URL) and pages. */
export { default as ActivityPage } from './ActivityPage.vue';
/** `/logs` (the page's address until 0.1): replaced by `/activity` with the same filters. */
export { default as LogsRedirect } from './LogsRedirect.vue';
