/**
 * The servers plugin's HTTP API as the panels use it. Every call rejects with the kit's `ApiError`.
 * The shapes come from the backend's schemas (type-only: nothing of the backend is bundled).
 */
import { api } from '@tomo/ui-shell/kit';
import type { PublicServer, ServerStatus, SystemFacts } from '../src/schemas';

export type { PublicServer, ServerStatus, SystemFacts };

/** How Tomo logs in to a server. */
export type AuthType = PublicServer['authType'];

/** Credentials as sent; write-only (the API never returns them). */
export type ServerCredentials = { password: string } | { privateKey: string; passphrase?: string };

/** Fields for a new server. */
export interface NewServer {
  name: string;
  host: string;
  port: number;
  username: string;
  authType: AuthType;
  credentials: ServerCredentials;
}

/** Changes to a server; omit `credentials` to keep the stored ones (required when `authType` changes). */
export type ServerChanges = Partial<NewServer>;

/** What `POST /api/servers/:id/test` answers. A failed connection is `ok: false` (HTTP 200), not an error. */
export interface ConnectionTestResult {
  ok: boolean;
  status: ServerStatus;
  /** Why the connection failed: a code and a sentence a user can act on. */
  error?: { code: string; message: string };
  latency?: { connectMs: number; commandMs: number };
  /** The key the server presented; `firstSeen` when Tomo trusted it just now. */
  hostKey?: { fingerprint: string; algorithm: string; firstSeen: boolean };
  facts?: SystemFacts;
}

export { SERVER_DETAIL_TABS_SLOT } from '../src/slots';

const enc = encodeURIComponent;

export const serversApi = {
  list: async (): Promise<PublicServer[]> => (await api.get<{ servers: PublicServer[] }>('/api/servers')).servers,
  get: (id: string): Promise<PublicServer> => api.get<PublicServer>(`/api/servers/${enc(id)}`),
  create: (server: NewServer): Promise<PublicServer> => api.post<PublicServer>('/api/servers', server),
  update: (id: string, changes: ServerChanges): Promise<PublicServer> => api.patch<PublicServer>(`/api/servers/${enc(id)}`, changes),
  remove: (id: string): Promise<void> => api.del(`/api/servers/${enc(id)}`),
  test: (id: string): Promise<ConnectionTestResult> => api.post<ConnectionTestResult>(`/api/servers/${enc(id)}/test`),
  acceptHostKey: (id: string, fingerprint: string): Promise<PublicServer> =>
    api.post<PublicServer>(`/api/servers/${enc(id)}/host-key/accept`, { fingerprint }),
};
