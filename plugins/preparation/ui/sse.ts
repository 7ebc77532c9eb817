/**
 * Server-sent events over `fetch()`.
 *
 * Why not `EventSource`: the kernel accepts the console's session cookie only together with the
 * header `X-Requested-With: tomo-console` (its CSRF guard, kernel/src/http/credentials.ts), and
 * `EventSource` cannot send headers, so it would get 401. This reads the `text/event-stream`
 * body with a stream reader instead, parses it as the HTML standard says, and reconnects when
 * the stream drops, telling the server the last event id it saw (through the URL the caller
 * builds from it, e.g. `?afterId=N`, and the `Last-Event-ID` header).
 */

/** One event of the stream. */
export interface SseEvent {
  /** `event:` field; `message` when the event named none. */
  type: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream so far (ids persist across events), or ''. */
  lastEventId: string;
}

/**
 * An incremental `text/event-stream` parser: feed it text as it arrives, in chunks of any size
 * (a chunk may end in the middle of a line, or between the CR and LF of a line break).
 */
export class SseParser {
  private buffer = '';
  private pendingCR = false;
  private started = false;
  private eventType = '';
  private data: string[] = [];
  /** The id field of the event being read; becomes {@link lastEventId} when the event is complete. */
  private idBuffer = '';
  private id = '';

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onRetry: (ms: number) => void = () => undefined,
    initialLastEventId = '',
  ) {
    this.id = initialLastEventId;
    this.idBuffer = initialLastEventId;
  }

  /** The id of the last complete event (or the initial one): where to resume after a drop. */
  get lastEventId(): string {
    return this.id;
  }

  /** Parses `chunk`; complete events are passed to `onEvent` in order. */
  feed(chunk: string): void {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR at the end of the last chunk ended a line; an LF right after it belongs to that break.
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 === this.buffer.length) this.pendingCR = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
      this.line(line);
    }
    this.buffer = this.buffer.slice(start);
  }

  /** The stream ended: a half-received event is dropped (as the standard says), the id is kept. */
  reset(): void {
    this.buffer = '';
    this.pendingCR = false;
    this.started = false;
    this.eventType = '';
    this.data = [];
    this.idBuffer = this.id;
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return; // a comment: keep-alives
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.onRetry(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    this.id = this.idBuffer;
    const type = this.eventType || 'message';
    const data = this.data;
    this.eventType = '';
    this.data = [];
    if (data.length === 0) return;
    this.onEvent({ type, data: data.join('\n'), lastEventId: this.id });
  }
}

/** Why a connection ended. `status` is the HTTP status (0 when the server was not reached). */
export class EventStreamError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'EventStreamError';
  }
}

/** Options of {@link openEventStream}. */
export interface EventStreamOptions {
  /** The URL to connect to, given the last event id seen ('' at first): put it in the query (`?afterId=`). */
  url: (lastEventId: string) => string;
  /** Request headers (e.g. `X-Requested-With`). */
  headers?: Record<string, string>;
  /** Each event, in order. Calling `close()` here stops the stream at once (later events are not delivered). */
  onEvent: (event: SseEvent) => void;
  /** The server answered and the stream is open (also after each reconnect). */
  onOpen?: () => void;
  /**
   * A connection failed or dropped. `willRetry` is false for an answer that will not change by
   * retrying (4xx other than 408/429): the stream is closed then.
   */
  onError?: (error: EventStreamError, willRetry: boolean) => void;
  /** The id to resume after on the first connection. */
  lastEventId?: string;
  /** First reconnect delay; doubles after each failed attempt, up to `maxRetryMs`. The server's `retry:` field replaces it. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Reconnect when nothing (not even a keep-alive comment) arrived for this long; 0 turns it off. */
  idleTimeoutMs?: number;
  /** For tests. Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

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

/**
 * Opens a server-sent-events stream with `fetch()` and keeps it open: when the connection fails
 * or the server ends the body, it reconnects after a delay with the last event id, until
 * `close()` is called or the server answers with an error that retrying cannot fix.
 */
export function openEventStream(options: EventStreamOptions): EventStream {
  let baseRetry = options.retryMs ?? 1000;
  const maxRetry = options.maxRetryMs ?? 15000;
  const idleTimeout = options.idleTimeoutMs ?? 45000;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let closed = false;
  /** Failed attempts in a row (a connection that delivered an event resets it). */
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let sawEvent = false;

  const parser = new SseParser(
    (event) => {
      if (closed) return;
      sawEvent = true;
      options.onEvent(event);
    },
    (ms) => {
      baseRetry = ms;
    },
    options.lastEventId ?? '',
  );

  const stopIdleTimer = () => {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = undefined;
  };
  const armIdleTimer = (abort: AbortController) => {
    stopIdleTimer();
    if (idleTimeout > 0) idleTimer = setTimeout(() => abort.abort(), idleTimeout);
  };

  function fail(error: EventStreamError): void {
    if (closed) return;
    const again = retryable(error.status);
    if (!again) closed = true;
    options.onError?.(error, again);
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
    parser.reset();
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...options.headers };
    if (parser.lastEventId) headers['Last-Event-ID'] = parser.lastEventId;
    let response: Response;
    try {
      armIdleTimer(abort);
      response = await doFetch(options.url(parser.lastEventId), { method: 'GET', headers, credentials: 'same-origin', cache: 'no-store', signal: abort.signal });
    } catch {
      stopIdleTimer();
      fail(new EventStreamError(abort.signal.aborted && !closed ? 'The server did not answer in time' : 'Cannot reach the Tomo server', 0));
      return;
    }
    if (closed) return;
    if (!response.ok) {
      stopIdleTimer();
      fail(new EventStreamError(`The server answered ${response.status}`, response.status));
      return;
    }
    const type = response.headers.get('content-type');
    if (!response.body || (type && !type.includes('text/event-stream'))) {
      stopIdleTimer();
      fail(new EventStreamError('The server did not answer with an event stream', 0));
      return;
    }
    options.onOpen?.();
    const reader = response.body.getReader();
    let decoder: TextDecoder | undefined;
    try {
      for (;;) {
        armIdleTimer(abort);
        const { done, value } = await reader.read();
        if (closed) break;
        if (done) break;
        decoder ??= new TextDecoder();
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
    fail(new EventStreamError('The live stream was interrupted', 0));
  }

  void connect();

  return {
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
      return parser.lastEventId;
    },
  };
}
