/**
 * The backup plugin's HTTP API as the panel uses it (src/routes/backup.routes.ts). Every call
 * rejects with the kit's `ApiError`. Export answers with a file and upload sends one: the kit's
 * JSON client handles neither, so those two go through `sendRaw`, which keeps the kit's rules
 * (same-origin cookie, the `X-Requested-With` CSRF header, the server's error body as `ApiError`).
 * The shapes are type-only imports from the backend: nothing of it is bundled.
 */
import { api, ApiError, type ApiErrorBody } from '@tomo/ui-shell/kit';

export type { ImportSummary } from '../src/import/import-backup';
export type { Conflict, OnConflict, TableOutcome } from '../src/import/applier';
import type { ImportSummary } from '../src/import/import-backup';
import type { OnConflict } from '../src/import/applier';

/** `POST /api/backup/uploads`: the upload's id and size. */
export interface UploadView {
  id: string;
  bytes: number;
}

/** A downloaded backup: its bytes and the name the server gave it. */
export interface DownloadedBackup {
  blob: Blob;
  fileName: string;
}

/** Used when the server names no file (it always does today). */
export const FALLBACK_FILE_NAME = 'tomo-backup.enc';

const enc = encodeURIComponent;

/**
 * The file name from a `Content-Disposition` header (`filename*=UTF-8''…` first, then
 * `filename="…"`), without any folder part; undefined when there is none.
 */
export function fileNameFrom(header: string | null): string | undefined {
  if (!header) return undefined;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = undefined;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header);
    name = plain ? (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1') : undefined;
  }
  const base = name?.split(/[/\\]/).pop()?.trim();
  return base ? base : undefined;
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ApiErrorBody>;
  } catch {
    body = undefined;
  }
  const e = body?.error;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') return new ApiError(response.status, e.code, e.message, typeof e.field === 'string' ? e.field : undefined);
  return new ApiError(response.status, `http_${response.status}`, `The server answered ${response.status}`);
}

/** A request whose body or answer is not JSON, with the kit's headers and error handling. */
async function sendRaw(url: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, credentials: 'same-origin', headers: { 'X-Requested-With': 'tomo-console', ...init.headers } });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Cannot reach the Tomo server. Check the connection and try again.');
  }
  if (response.ok) return response;
  const error = await errorOf(response);
  // The kit's client ends the session on a 401; asking it for the session lets it do so.
  if (error.status === 401) await api.get('/api/auth/me').catch(() => undefined);
  throw error;
}

export const backupApi = {
  /**
   * `POST /api/backup/export`: the encrypted backup of the whole instance. The server streams it
   * after the headers; a failure then cuts the download, which rejects here (the file would not
   * import anyway: age checks the last chunk).
   */
  async export(password: string, includeHistory: boolean): Promise<DownloadedBackup> {
    const response = await sendRaw('/api/backup/export', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/octet-stream, application/json' },
      body: JSON.stringify({ password, includeHistory }),
    });
    let blob: Blob;
    try {
      blob = await response.blob();
    } catch {
      throw new ApiError(0, 'export_interrupted', 'The export stopped part way and the file is incomplete. Try again; the server log says why.');
    }
    return { blob, fileName: fileNameFrom(response.headers.get('Content-Disposition')) ?? FALLBACK_FILE_NAME };
  },
  /** `POST /api/backup/uploads`: sends the file as it is (still encrypted). */
  async upload(file: Blob, signal?: AbortSignal): Promise<UploadView> {
    const response = await sendRaw('/api/backup/uploads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
      body: file,
      signal,
    });
    return (await response.json()) as UploadView;
  },
  /** What importing the upload would change; writes nothing. */
  preview: async (id: string, password: string, onConflict: OnConflict): Promise<ImportSummary> =>
    (await api.post<{ summary: ImportSummary }>(`/api/backup/uploads/${enc(id)}/preview`, { password, onConflict })).summary,
  /** Imports the upload (the server removes it afterwards). */
  apply: async (id: string, password: string, onConflict: OnConflict): Promise<ImportSummary> =>
    (await api.post<{ summary: ImportSummary }>(`/api/backup/uploads/${enc(id)}/apply`, { password, onConflict })).summary,
  /** Forgets an upload (nothing happens when it is already gone). */
  forget: (id: string): Promise<void> => api.del(`/api/backup/uploads/${enc(id)}`),
};
