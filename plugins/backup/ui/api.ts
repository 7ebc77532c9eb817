/**
 * The backup plugin's HTTP API as the panel uses it (src/routes/backup.routes.ts). Every call
 * rejects with the kit's `ApiError`. Export answers with a file (the kit's `api.download` saves
 * it) and upload sends one (the kit's client sends a `Blob` as it is).
 * The shapes are type-only imports from the backend: nothing of it is bundled.
 */
import { api, type DownloadedFile } from '@tomo/ui-shell/kit';

export type { Conflict, ImportSummary, OnConflict, TableOutcome } from '../src/api';
import type { ImportSummary, OnConflict } from '../src/api';

/** `POST /api/backup/uploads`: the upload's id and size. */
export interface UploadView {
  id: string;
  bytes: number;
}

/** Used when the server names no file (it always does today). */
export const FALLBACK_FILE_NAME = 'tomo-backup.enc';

const enc = encodeURIComponent;

export const backupApi = {
  /**
   * `POST /api/backup/export`: the encrypted backup of the whole instance, saved as a download.
   * The server streams it after the headers; a failure then cuts the download, which rejects here (the file would not
   * import anyway: age checks the last chunk).
   */
  export: (password: string, includeHistory: boolean): Promise<DownloadedFile> =>
    api.download('/api/backup/export', FALLBACK_FILE_NAME, { method: 'POST', body: { password, includeHistory } }),
  /** `POST /api/backup/uploads`: sends the file as it is (still encrypted). */
  upload: (file: Blob, signal?: AbortSignal): Promise<UploadView> => api.post<UploadView>('/api/backup/uploads', file, { signal }),
  /** What importing the upload would change; writes nothing. */
  preview: async (id: string, password: string, onConflict: OnConflict): Promise<ImportSummary> =>
    (await api.post<{ summary: ImportSummary }>(`/api/backup/uploads/${enc(id)}/preview`, { password, onConflict })).summary,
  /** Imports the upload (the server removes it afterwards). */
  apply: async (id: string, password: string, onConflict: OnConflict): Promise<ImportSummary> =>
    (await api.post<{ summary: ImportSummary }>(`/api/backup/uploads/${enc(id)}/apply`, { password, onConflict })).summary,
  /** Forgets an upload (nothing happens when it is already gone). */
  forget: (id: string): Promise<void> => api.del(`/api/backup/uploads/${enc(id)}`),
};
