/**
 * Server-sent events over `fetch()`, parsed by `eventsource-parser`.
 *
 * Why not `EventSource`: it cannot send headers, and the kernel accepts the session cookie only
 * together with the console's CSRF header, so it would get 401. This reads the
 * `text/event-stream` body with a stream reader instead and reconnects when the stream drops,
 * telling the server the last event id it saw (the `Last-Event-ID` header, and the URL when the
 * caller builds it from that id, e.g. `?afterId=N`).
 */
import { createParser } from 'eventsource-parser';
import { getCurrentScope, onScopeDispose } from 'vue';
import { ApiError, consoleHeaders, errorFromResponse, reportUnauthorized } from './http';

/** One event of a stream. */
export interface StreamEvent {
  /** The `event:` field; `message` when the event named none. */
  type: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream so far (ids persist across events), or ''. */
  lastEventId: string;
}

/** What {@link openStream} tells its caller. */
export interface StreamHandlers {
  /** Each event, in order. Calling `close()` here stops the stream at once (later events are not delivered). */
  onEvent: (event: StreamEvent) => void;
  /** The server answered and the stream is open (also after each reconnect). */
  onOpen?: () => void;
  /**
   * A connection failed or dropped. `willRetry` is false for an answer that will not change by
   * retrying (4xx other than 408/429): the stream is closed then. A 401 also ends the session,
   * as with every other request.
   */
  onError?: (error: ApiError, willRetry: boolean) => void;
}

/** How a stream connects and reconnects. The defaults suit the console; tests shorten them. */
export interface StreamOptions {
  /** The id to resume after on the first connection. */
  lastEventId?: string;
  /** First reconnect delay in ms; doubles after each failed attempt, up to `maxRetryMs`. The server's `retry:` field replaces it. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Reconnect when nothing (not even a keep-alive comment) arrived for this long; 0 turns it off. */
  idleTimeoutMs?: number;
}

/** The URL to connect to, or a function of the last event id seen ('' at first) that builds it. */
export type StreamUrl = string | ((lastEventId: string) => string);

/** A running stream. */
export interface EventStream {
  /** Stops for good: aborts the request and any pending reconnect. */
  close(): void;
  readonly closed: boolean;
  /** The last event id seen. */
  readonly lastEventId: string;
}

/** HTTP statuses worth retrying: the server had trouble, or was not reached. */
function retryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

const streamError = (message: string, code: string) => new ApiError(0, code, message);

/**
 * Opens a server-sent-events stream and keeps it open: when the connection fails or the server
 * ends the body, it reconnects after a delay with the last event id, until `close()` is called
 * or the server answers with an error that retrying cannot fix. Called inside a component (an
 * effect scope), it closes when the component goes away.
 */
export function openStream(url: StreamUrl, handlers: StreamHandlers, options: StreamOptions = {}): EventStream {
  let baseRetry = options.retryMs ?? 1000;
  const maxRetry = options.maxRetryMs ?? 15000;
  const idleTimeout = options.idleTimeoutMs ?? 45000;
  const urlFor = typeof url === 'function' ? url : () => url;
  let lastEventId = options.lastEventId ?? '';
  let closed = false;
  /** Failed attempts in a row (a connection that delivered an event resets it). */
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let sawEvent = false;

  const parser = createParser({
    onEvent(message) {
      if (closed) return;
      if (message.id !== undefined && !message.id.includes('\0')) lastEventId = message.id;
      sawEvent = true;
      handlers.onEvent({ type: message.event || 'message', data: message.data, lastEventId });
    },
    onRetry(ms) {
      baseRetry = ms;
    },
  });

  const stopIdleTimer = () => {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = undefined;
  };
  const armIdleTimer = (abort: AbortController) => {
    stopIdleTimer();
    if (idleTimeout > 0) idleTimer = setTimeout(() => abort.abort(), idleTimeout);
  };

  function fail(error: ApiError): void {
    if (closed) return;
    const again = retryable(error.status);
    if (!again) closed = true;
    reportUnauthorized(error);
    handlers.onError?.(error, again);
    if (!again || closed) return;
    // A connection that delivered events resets the back-off; each attempt that did not doubles it.
    if (sawEvent) attempts = 0;
    const wait = Math.min(baseRetry * 2 ** attempts, maxRetry);
    attempts++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, wait);
  }

  async function connect(): Promise<void> {
    if (closed) return;
    const abort = new AbortController();
    controller = abort;
    sawEvent = false;
    // A half-received event of the previous connection is dropped, as the standard says.
    parser.reset();
    const headers = consoleHeaders({ Accept: 'text/event-stream' });
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    let response: Response;
    try {
      armIdleTimer(abort);
      response = await fetch(urlFor(lastEventId), { method: 'GET', headers, credentials: 'same-origin', cache: 'no-store', signal: abort.signal });
    } catch {
      stopIdleTimer();
      fail(abort.signal.aborted && !closed ? streamError('The server did not answer in time', 'stream_timeout') : streamError('Cannot reach the Tomo server', 'network_error'));
      return;
    }
    if (closed) return;
    if (!response.ok) {
      stopIdleTimer();
      fail(await errorFromResponse(response));
      return;
    }
    const type = response.headers.get('content-type');
    if (!response.body || (type && !type.includes('text/event-stream'))) {
      stopIdleTimer();
      fail(streamError('The server did not answer with an event stream', 'invalid_response'));
      return;
    }
    handlers.onOpen?.();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        armIdleTimer(abort);
        const { done, value } = await reader.read();
        if (closed || done) break;
        parser.feed(decoder.decode(value, { stream: true }));
        if (closed) break;
      }
    } catch {
      // Aborted (idle, or close()) or the connection broke: handled below.
    } finally {
      stopIdleTimer();
    }
    if (closed) {
      void reader.cancel().catch(() => undefined);
      return;
    }
    fail(streamError('The live stream was interrupted', 'stream_interrupted'));
  }

  const stream: EventStream = {
    close() {
      if (closed) return;
      closed = true;
      stopIdleTimer();
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      controller?.abort();
    },
    get closed() {
      return closed;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
  if (getCurrentScope()) onScopeDispose(() => stream.close());
  void connect();
  return stream;
}
