/**
 * The preparation plugin's HTTP API as the panel uses it. Every call rejects with the kit's
 * `ApiError`. The shapes come from `src/views.ts`, which imports nothing, so the panel and the
 * backend share one definition.
 */
import { api } from '@tomo/ui-shell/kit';

export type { ComposeStatus, DetectedOs, DockerSource, LogLine, PreparationStatus, PreparationView, StartOptions, StepState, StepView } from '../src/views';
import type { LogLine, PreparationView, StartOptions } from '../src/views';

const enc = encodeURIComponent;
const base = (serverId: string) => `/api/servers/${enc(serverId)}/preparation`;

export const preparationApi = {
  status: (serverId: string): Promise<PreparationView> => api.get<PreparationView>(base(serverId)),
  /** Starts a run in the background (202). 409 while one is running. */
  start: (serverId: string, options: StartOptions): Promise<PreparationView> => api.post<PreparationView>(base(serverId), options),
  /** Resumes a failed run at its failed step (202). 409 when there is no failed run. */
  retry: (serverId: string, options: StartOptions): Promise<PreparationView> => api.post<PreparationView>(`${base(serverId)}/retry`, options),
  /** Log lines after `afterId` (all of them without it), oldest first. */
  log: async (serverId: string, afterId?: number): Promise<LogLine[]> =>
    (await api.get<{ lines: LogLine[] }>(`${base(serverId)}/log${afterId !== undefined ? `?afterId=${afterId}` : ''}`)).lines,
  /** The live stream's URL; `afterId` skips the lines already shown. */
  eventsUrl: (serverId: string, afterId?: number): string => `${base(serverId)}/events${afterId !== undefined ? `?afterId=${afterId}` : ''}`,
};

/**
 * Adds `incoming` lines to `lines` (both oldest first): no line twice (same id), order by id.
 * Returns `lines` itself when nothing is new.
 */
export function mergeLines(lines: readonly LogLine[], incoming: readonly LogLine[]): LogLine[] {
  if (incoming.length === 0) return lines as LogLine[];
  const last = lines.length > 0 ? lines[lines.length - 1].id : -Infinity;
  // The usual case: only newer lines, in order.
  if (incoming.every((line, i) => line.id > (i === 0 ? last : incoming[i - 1].id))) return [...lines, ...incoming];
  const byId = new Map<number, LogLine>();
  for (const line of lines) byId.set(line.id, line);
  let added = false;
  for (const line of incoming) {
    if (!byId.has(line.id)) added = true;
    byId.set(line.id, line);
  }
  if (!added) return lines as LogLine[];
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
