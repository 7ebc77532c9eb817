/**
 * The preparation plugin's HTTP API as the panel uses it. Every call rejects with the kit's
 * `ApiError`. The shapes mirror the backend (src/services/preparation-service.ts,
 * src/services/preparation-log.ts, src/preparer-types.ts); they are written out here rather
 * than imported because those modules pull in TypeORM entities (legacy decorators), which the
 * panel's type-check does not compile.
 */
import { api } from '@tomo/ui-shell/kit';

export type PreparationStatus = 'pending' | 'in_progress' | 'completed' | 'failed';
export type StepState = 'pending' | 'running' | 'satisfied' | 'applied' | 'failed' | 'rolled_back';
export type DockerSource = 'auto' | 'official' | 'distribution';

/** A step as the stepper shows it. */
export interface StepView {
  id: string;
  title: string;
  state: StepState;
}

/** What `/etc/os-release` and `uname -m` said about the server. */
export interface DetectedOs {
  id: string;
  versionId: string;
  idLike?: string[];
  codename?: string | null;
  prettyName: string;
  architecture: string;
}

/** One line of the preparation log. */
export interface LogLine {
  id: number;
  at: string;
  /** The step that wrote it (`install-docker`), or null for lines about the whole run. */
  step: string | null;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A server's preparation: `pending` with no steps when it was never prepared. */
export interface PreparationView {
  preparationId: string | null;
  serverId: string;
  status: PreparationStatus;
  currentStep: string | null;
  failedStep: string | null;
  error: string | null;
  steps: StepView[];
  os: DetectedOs | null;
  /** The OS preparer that made the plan (`debian-family`). */
  preparer: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** The last lines of the log (status answers only; not in `state` events). */
  recentLog?: LogLine[];
}

/** Options of a run (the HTTP body). The sudo password is used for this run only and never stored. */
export interface StartOptions {
  sudoPassword?: string;
  dockerSource?: DockerSource;
}

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

/** The header the kernel requires before it accepts the session cookie (the kit's client sends it too). */
export const CONSOLE_HEADERS: Record<string, string> = { 'X-Requested-With': 'tomo-console' };

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
