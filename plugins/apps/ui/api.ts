/**
 * The apps plugin's HTTP API as the panels use it. Every call rejects with the kit's `ApiError`.
 * The shapes come from `src/views.ts` (import-free) and, for the full app definition, from
 * `src/catalog/definition-schema.ts`: type-only imports, so nothing of the backend is bundled
 * (that file imports zod and node:path at run time; `import type` is erased by the build).
 */
import { api } from '@tomo/ui-shell/kit';

export type {
  CatalogAppSummary,
  CatalogIssueView,
  CatalogListView,
  CatalogStatusView,
  InstallationState,
  InstallationView,
  InstalledPortView,
  InstalledServiceView,
  InstallRequest,
  InstallStepId,
  InstallStepState,
  InstallStepView,
  InstallTargetView,
  PreflightView,
  InstallationUpdatesView,
  ServiceHealth,
  SnapshotView,
} from '../src/views';
export type { LogLineView, LogsView } from '../src/logs/log-views';
export type { AppDefinition, AppEnvVar, AppPort, AppVolume, HostAccessWarning } from '../src/catalog/definition-schema';
import type { AppDefinition } from '../src/catalog/definition-schema';
import type { CatalogAppSummary, CatalogImportedView, CatalogListView, CatalogStatusView, InstallationView, InstallRequest, InstallTargetView, PreflightView } from '../src/views';

/** Where a definition comes from, as the detail route names it. */
export type CatalogSource = CatalogAppSummary['source'];

/** `GET /api/apps/catalog/:appId`. */
export interface AppDetail {
  app: AppDefinition;
  source: CatalogSource;
  /** For an app imported from a community store: the store, and what Tomo did not honour. */
  imported?: CatalogImportedView;
}

/** Filters of the catalog list; empty ones are left out of the query. */
export interface CatalogQuery {
  q?: string;
  category?: string;
  limit?: number;
}

/** `DELETE /api/apps/installations/:id`. */
export interface RemovalResult {
  removed: true;
  dataDeleted: boolean;
}

const enc = encodeURIComponent;

function query(params: CatalogQuery): string {
  const search = new URLSearchParams();
  if (params.q?.trim()) search.set('q', params.q.trim());
  if (params.category) search.set('category', params.category);
  if (params.limit !== undefined) search.set('limit', String(params.limit));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const appsApi = {
  catalog: (params: CatalogQuery = {}, signal?: AbortSignal): Promise<CatalogListView> => api.get<CatalogListView>(`/api/apps/catalog${query(params)}`, { signal }),
  app: (appId: string): Promise<AppDetail> => api.get<AppDetail>(`/api/apps/catalog/${enc(appId)}`),
  /** Admins only: every catalog source with its problems. */
  catalogs: (): Promise<CatalogStatusView> => api.get<CatalogStatusView>('/api/apps/catalogs'),
  /** Admins only: reads every catalog source again. */
  reloadCatalogs: (): Promise<CatalogStatusView> => api.post<CatalogStatusView>('/api/apps/catalogs/reload'),
  targets: async (): Promise<InstallTargetView[]> => (await api.get<{ servers: InstallTargetView[] }>('/api/apps/targets')).servers,
  /** Would this install be accepted? Nothing is created. */
  preflight: (serverId: string, request: InstallRequest): Promise<PreflightView> => api.post<PreflightView>(`/api/servers/${enc(serverId)}/apps/preflight`, request),
  /** Starts an install in the background (202); follow `eventsUrl(id)` for its progress. */
  install: async (serverId: string, request: InstallRequest): Promise<InstallationView> =>
    (await api.post<{ installation: InstallationView }>(`/api/servers/${enc(serverId)}/apps`, request)).installation,
  /** A server's installations, their state reconciled with Docker. */
  installations: async (serverId: string): Promise<InstallationView[]> =>
    (await api.get<{ installations: InstallationView[] }>(`/api/servers/${enc(serverId)}/apps`)).installations,
  /**
   * The installation's event stream (`installation`, `progress`, `removed`, `end`), for the kit's
   * `api.stream`. With `next`, a stream opened while nothing runs waits for the next operation
   * (an uninstall, asked for once the stream is open).
   */
  eventsUrl: (id: string, options: { next?: boolean } = {}): string => `/api/apps/installations/${enc(id)}/events${options.next ? '?next=1' : ''}`,
  installation: async (id: string): Promise<InstallationView> => (await api.get<{ installation: InstallationView }>(`/api/apps/installations/${enc(id)}`)).installation,
  start: async (id: string): Promise<InstallationView> => (await api.post<{ installation: InstallationView }>(`/api/apps/installations/${enc(id)}/start`)).installation,
  stop: async (id: string): Promise<InstallationView> => (await api.post<{ installation: InstallationView }>(`/api/apps/installations/${enc(id)}/stop`)).installation,
  /** The installation's log stream (`ready`, `lines`, `end`), for the kit's `api.stream`; it starts with the newest `tail` lines. */
  logsStreamUrl: (id: string, params: { tail?: number; service?: string } = {}): string => {
    const search = new URLSearchParams();
    if (params.tail !== undefined) search.set('tail', String(params.tail));
    if (params.service) search.set('service', params.service);
    const text = search.toString();
    return `/api/apps/installations/${enc(id)}/logs/stream${text ? `?${text}` : ''}`;
  },
  /** Asks now whether an update is available (`updates.check` of the answer). */
  checkUpdates: async (id: string): Promise<InstallationView> => (await api.post<{ installation: InstallationView }>(`/api/apps/installations/${enc(id)}/check-updates`)).installation,
  /** Starts an update in the background (202); follow `eventsUrl(id)` for its steps. */
  update: async (id: string): Promise<InstallationView> => (await api.post<{ installation: InstallationView }>(`/api/apps/installations/${enc(id)}/update`)).installation,
  /** Starts a rollback to the last snapshot in the background (202); follow `eventsUrl(id)`. */
  rollback: async (id: string): Promise<InstallationView> => (await api.post<{ installation: InstallationView }>(`/api/apps/installations/${enc(id)}/rollback`)).installation,
  /** Removes the container; the data folder too only when `deleteData`. */
  uninstall: (id: string, deleteData: boolean): Promise<RemovalResult> => api.del<RemovalResult>(`/api/apps/installations/${enc(id)}?deleteData=${deleteData}`),
};
