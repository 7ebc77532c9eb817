/**
 * Shapes the monitoring plugin shows outside (HTTP, MCP, the console), with no imports: the
 * console's panels type-check against this file directly (plugins/monitoring/ui/api.ts), so
 * their types cannot drift from the backend's.
 */

/** Apps per state; `installing` also counts removals in flight. */
export interface AppCounts {
  total: number;
  running: number;
  stopped: number;
  crashed: number;
  failed: number;
  installing: number;
  unknown: number;
}
