/**
 * The shapes of an app's logs as Tomo shows them (HTTP, events, MCP, the console), with no
 * imports, so the console's panels type-check against this file directly.
 */

/** One line an app's container printed. */
export interface LogLineView {
  /** The service (container) that printed it; the app id for a single-container app. */
  service: string;
  stream: 'stdout' | 'stderr';
  /** When Docker received it: RFC 3339 in UTC with nanoseconds always 9 digits, so times sort as strings. */
  time: string;
  /** The line without its line break; secret values masked. */
  text: string;
}

/** `GET /api/apps/installations/:id/logs` and `get_app_logs`: the newest lines, oldest first. */
export interface LogsView {
  installationId: string;
  /** Every service of the installation (also those filtered out). */
  services: string[];
  lines: LogLineView[];
}
