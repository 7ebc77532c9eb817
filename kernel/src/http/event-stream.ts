import { once } from 'node:events';
import type { Context } from 'koa';

/** How {@link openEventStream} runs a stream. */
export interface EventStreamOptions {
  /**
   * How often a comment line is sent while nothing else is (default 15 000 ms), so proxies and
   * browsers keep an idle stream open and a client that went away is noticed.
   */
  heartbeatMs?: number;
  /**
   * How many bytes may wait for a slow client (default 1 MiB). Past that the client is not keeping
   * up: the stream is closed, and an `EventSource` reconnects with `Last-Event-ID` to catch up.
   */
  maxBufferedBytes?: number;
  /** Sent as `retry:` first: how long the browser waits before reconnecting, in ms. Not sent without it. */
  retryMs?: number;
}

/** One open server-sent-events response (made by {@link openEventStream}). */
export interface EventStream {
  /**
   * The `Last-Event-ID` header the client sent when it reconnected: resume after that event.
   * Undefined on a first connection.
   */
  readonly lastEventId: string | undefined;
  /** True once the stream has ended: closed here, the client went away, or it fell too far behind. */
  readonly closed: boolean;
  /**
   * Sends one event: `data` as JSON, with `id` when given (what the client sends back as
   * `Last-Event-ID`). Returns false, sending nothing, once the stream is closed.
   */
  send(event: string, data: unknown, id?: string | number): boolean;
  /**
   * Resolves when the data already sent has gone out to the client (at once when little is
   * waiting) or the stream closed: await it between events of a long producer, so it runs no
   * faster than the client reads.
   */
  drained(): Promise<void>;
  /** Runs `fn` once when the stream ends, however it ends (unsubscribe from events here). At once if it already has. */
  onClose(fn: () => void): void;
  /** Ends the response. Safe to call more than once. */
  close(): void;
}

const DEFAULT_HEARTBEAT_MS = 15000;
const DEFAULT_MAX_BUFFERED = 1024 * 1024;
/** Event names and ids are single-line fields of the wire format: a line break would forge another field. */
const SINGLE_LINE = /^[^\r\n]*$/;

/**
 * Answers a raw route with server-sent events (`text/event-stream`). Sets the headers (no caching
 * or transforming; `X-Accel-Buffering: no` so nginx does not hold events back), lifts the socket
 * timeout, sends a heartbeat comment while idle, and ends when the client goes away or reads too
 * slowly (see {@link EventStreamOptions.maxBufferedBytes}).
 *
 * Check access and input first and throw for an error answer: once this is called the status is
 * 200 and the body is the stream.
 *
 * @param ctx the raw route's Koa context ({@link RawRouteDefinitionFor.handler}).
 */
export function openEventStream(ctx: Context, options: EventStreamOptions = {}): EventStream {
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
  const res = ctx.res;
  const closeCallbacks: Array<() => void> = [];
  let closed = false;
  const whenClosed = new Promise<void>((resolve) => closeCallbacks.push(resolve));

  const buffered = () => res.writableLength;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    res.end();
    for (const fn of closeCallbacks.splice(0)) fn();
  };
  const write = (text: string): boolean => {
    if (closed) return false;
    res.write(text);
    if (buffered() > maxBuffered) {
      close();
      return false;
    }
    return true;
  };

  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
  // no-store as for every API answer; no-transform so no proxy compresses (and so holds back) events.
  ctx.set('Cache-Control', 'no-store, no-transform');
  ctx.set('X-Accel-Buffering', 'no');
  ctx.status = 200;
  // Written to the response directly, not handed to Koa as a body: Koa would start sending only
  // when the handler returns, and a handler that awaits drained() would wait for ever.
  ctx.respond = false;
  res.flushHeaders();
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();
  // The response's close, not the request's: it fires when the connection drops or the stream ends.
  res.on('close', close);
  if (options.retryMs !== undefined) write(`retry: ${Math.max(0, Math.round(options.retryMs))}\n\n`);

  return {
    lastEventId: ctx.get('last-event-id') || undefined,
    get closed() {
      return closed;
    },
    send(event, data, id) {
      if (!SINGLE_LINE.test(event) || (id !== undefined && !SINGLE_LINE.test(String(id)))) {
        throw new Error('An event name or id must not contain a line break');
      }
      const idLine = id !== undefined ? `id: ${id}\n` : '';
      // JSON has no raw line breaks, so the data is one `data:` line.
      return write(`${idLine}event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`);
    },
    drained() {
      if (closed || !res.writableNeedDrain) return Promise.resolve();
      return Promise.race([once(res, 'drain').then(() => undefined), whenClosed]);
    },
    onClose(fn) {
      if (closed) fn();
      else closeCallbacks.push(fn);
    },
    close,
  };
}
