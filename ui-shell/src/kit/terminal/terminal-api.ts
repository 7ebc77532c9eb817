/**
 * The terminal routes of the kernel as the console uses them (the contract in the kernel's
 * terminal routes: `POST /api/terminals` creates, the socket attaches, `DELETE` closes).
 */
// The shared kit by its bare name: this file is loaded lazily, beside the kit's own bundle.
import { api } from '@tomo/ui-shell/kit';

/** Where a shell runs: a server's login shell, or a shell in one service of an installed app. */
export type TerminalTarget = { serverId: string } | { installationId: string; service?: string };

/** A terminal as `POST /api/terminals` answers it. */
export interface TerminalRecord {
  id: string;
  kind: 'server' | 'container';
  serverId: string;
  installationId?: string;
  service?: string;
  title: string;
  createdAt: string;
  /** Absolute path of the terminal's WebSocket, e.g. `/api/terminals/<id>/socket`. */
  socketPath: string;
}

export const terminalsApi = {
  /** Creates a terminal; nothing runs until its socket opens (an unused one expires by itself). */
  create: async (target: TerminalTarget): Promise<TerminalRecord> => (await api.post<{ terminal: TerminalRecord }>('/api/terminals', target)).terminal,
  /** Closes the terminal's shell at once; `keepalive` while the page unloads. */
  close: (id: string, keepalive = false): Promise<void> => api.del(`/api/terminals/${encodeURIComponent(id)}`, { keepalive }),
};

/**
 * The socket's URL on this page's origin: `ws:` or `wss:` as the page, with the terminal's size.
 * The browser sends the session cookie and its Origin, which the kernel checks before the upgrade.
 */
export function terminalSocketUrl(socketPath: string, cols: number, rows: number, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ cols: String(cols), rows: String(rows) });
  return `${scheme}//${location.host}${socketPath}?${query.toString()}`;
}
