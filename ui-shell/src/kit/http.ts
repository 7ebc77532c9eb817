/**
 * What every request of the console shares: the CSRF header (set here and nowhere else), the
 * error type, reading an error answer, and the handler called when the session ended. The JSON
 * client (`api.ts`), downloads and event streams (`stream.ts`) are built on it.
 */

/**
 * The headers every console request carries: the kernel accepts the session cookie only together
 * with `X-Requested-With: tomo-console` (its CSRF guard, kernel/src/http/credentials.ts).
 */
export function consoleHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, 'X-Requested-With': 'tomo-console' };
}

/** The JSON error body every Tomo endpoint answers with on a 4xx/5xx. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/**
 * A request that did not succeed: an error answer from the server (`status` 4xx/5xx), or no
 * answer at all (`status` 0, code `network_error`).
 */
export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** Stable machine-readable code from the server, e.g. `invalid_credentials`. */
  readonly code: string;
  /** Dotted path of the input field at fault, when the server named one. */
  readonly field?: string;
  /** Seconds to wait before trying again (from `Retry-After`, sent with 429). */
  readonly retryAfterSeconds?: number;
  /**
   * What the error body carried beside `error`, when anything: e.g. the `challenge` and `methods`
   * of a login's `second_factor_required`.
   */
  readonly details?: Record<string, unknown>;

  constructor(status: number, code: string, message: string, field?: string, retryAfterSeconds?: number, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    if (field !== undefined) this.field = field;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
    if (details !== undefined) this.details = details;
  }

  /**
   * The message without a leading `"<field>: "` (the server's validation messages start with the
   * field name, which is redundant when the message is shown under that field).
   */
  get fieldMessage(): string {
    if (this.field && this.message.startsWith(`${this.field}: `)) {
      const rest = this.message.slice(this.field.length + 2);
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    }
    return this.message;
  }
}

/** True when `err` is an {@link ApiError}. */
export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** Options for one request. */
export interface RequestOptions {
  /**
   * A 401 is an expected answer here (signing in, probing for a session), not the session ending:
   * the unauthorized handler is not called. The promise still rejects with the {@link ApiError}.
   */
  expectUnauthorized?: boolean;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** The request outlives the page (sent while it unloads, e.g. closing what the page held open). */
  keepalive?: boolean;
}

type UnauthorizedHandler = (error: ApiError) => void;
let unauthorizedHandler: UnauthorizedHandler | undefined;

/**
 * Sets the function called when any request answers 401 (the session ended). The shell installs
 * one that clears the session and goes to the login page; panels need not care.
 * Returns a function that removes the handler.
 */
export function onUnauthorized(handler: UnauthorizedHandler): () => void {
  unauthorizedHandler = handler;
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = undefined;
  };
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The {@link ApiError} for an answer that is not ok (the server's error body when it sent one). */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let body: Partial<ApiErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ApiErrorBody>;
  } catch {
    body = undefined;
  }
  const e = body?.error;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    const { error: _error, ...rest } = body as Record<string, unknown>;
    const details = Object.keys(rest).length ? rest : undefined;
    return new ApiError(response.status, e.code, e.message, typeof e.field === 'string' ? e.field : undefined, retryAfter, details);
  }
  const text = response.statusText ? ` ${response.statusText}` : '';
  return new ApiError(response.status, `http_${response.status}`, `The server answered ${response.status}${text}`, undefined, retryAfter);
}

/** Tells the shell that the session ended, unless the caller expected a 401. */
export function reportUnauthorized(error: ApiError, expected = false): void {
  if (error.status === 401 && !expected) unauthorizedHandler?.(error);
}

/** The error for a request that got no answer at all. */
export function networkError(): ApiError {
  return new ApiError(0, 'network_error', 'Cannot reach the Tomo server. Check the connection and try again.');
}
