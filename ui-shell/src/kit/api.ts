/**
 * The console's HTTP client. Every request carries the session cookie (same origin only) and the
 * console's CSRF header (`consoleHeaders`, http.ts). The console never sees or stores a token.
 */
import { fileNameFrom, saveFile } from './download';
import { ApiError, consoleHeaders, errorFromResponse, networkError, reportUnauthorized, type RequestOptions } from './http';
import { openStream, type EventStream, type StreamHandlers, type StreamOptions, type StreamUrl } from './stream';

export { ApiError, isApiError, onUnauthorized } from './http';
export type { ApiErrorBody, RequestOptions } from './http';

/** Sends one request with the console's headers; an answer that is not ok rejects with its {@link ApiError}. */
async function send(method: string, url: string, init: { headers: Record<string, string>; body?: BodyInit }, options: RequestOptions = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { method, credentials: 'same-origin', headers: consoleHeaders(init.headers), body: init.body, signal: options.signal, keepalive: options.keepalive });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw networkError();
  }
  if (!response.ok) {
    const error = await errorFromResponse(response);
    reportUnauthorized(error, options.expectUnauthorized);
    throw error;
  }
  return response;
}

/** JSON in and out; a `Blob` body is sent as it is (`application/octet-stream`), e.g. an upload. */
async function request<T>(method: string, url: string, body: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    headers['Content-Type'] = 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await send(method, url, { headers, body: payload }, options);
  if (response.status === 204 || response.status === 205) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'invalid_response', 'The server sent an answer the console cannot read');
  }
}

/** Options of {@link api.download}. */
export interface DownloadOptions extends RequestOptions {
  /** `GET` unless said; a `POST` sends `body` as JSON. */
  method?: 'GET' | 'POST';
  body?: unknown;
}

/** A file {@link api.download} saved. */
export interface DownloadedFile {
  fileName: string;
  bytes: number;
}

/**
 * Calls Tomo's JSON API. Each method resolves with the parsed body (`undefined` for 204) and
 * rejects with an {@link ApiError}. An error a caller does not catch is shown as a toast by the shell.
 *
 * @example
 * const { users } = await api.get<{ users: User[] }>('/api/users');
 */
export const api = {
  /** GET `url`. */
  get<T>(url: string, options?: RequestOptions): Promise<T> {
    return request<T>('GET', url, undefined, options);
  },
  /** POST `body` to `url`: as JSON, or as it is when it is a `Blob`. */
  post<T>(url: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return request<T>('POST', url, body, options);
  },
  /** PATCH `body` as JSON to `url`. */
  patch<T>(url: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return request<T>('PATCH', url, body, options);
  },
  /** DELETE `url`, with `body` as JSON when the route needs one (a password to confirm, say). */
  del<T = void>(url: string, options?: RequestOptions, body?: unknown): Promise<T> {
    return request<T>('DELETE', url, body, options);
  },
  /**
   * Fetches a file and hands it to the browser as a download, named as the server's
   * `Content-Disposition` says (else `fileName`). Rejects with an {@link ApiError}; one with code
   * `download_interrupted` when the body broke off part way (the file would be incomplete).
   */
  async download(url: string, fileName: string, options: DownloadOptions = {}): Promise<DownloadedFile> {
    const json = options.body !== undefined;
    const headers: Record<string, string> = { Accept: 'application/octet-stream, application/json' };
    if (json) headers['Content-Type'] = 'application/json';
    const response = await send(options.method ?? 'GET', url, { headers, body: json ? JSON.stringify(options.body) : undefined }, options);
    let blob: Blob;
    try {
      blob = await response.blob();
    } catch {
      throw new ApiError(0, 'download_interrupted', 'The download stopped part way and the file is incomplete. Try again.');
    }
    const name = fileNameFrom(response.headers.get('Content-Disposition')) ?? fileName;
    saveFile(blob, name);
    return { fileName: name, bytes: blob.size };
  },
  /**
   * Follows a server-sent-events stream with the console's cookie and header, reconnecting with
   * `Last-Event-ID` and back-off until `close()` or an answer retrying cannot fix. Inside a
   * component it closes on unmount. `url` may be a function of the last event id, to resume by query.
   */
  stream(url: StreamUrl, handlers: StreamHandlers, options?: StreamOptions): EventStream {
    return openStream(url, handlers, options);
  },
};
