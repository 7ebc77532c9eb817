import { PassThrough } from 'node:stream';
import type { RawRouteDefinition } from '@tomo/kernel';

type KoaContext = Parameters<RawRouteDefinition['handler']>[0];

/** A server-sent-events answer being written. */
export interface EventStreamWriter {
  /** Sends one event (`data` as JSON); nothing once the stream is closed. */
  send(event: string, data: unknown): void;
  /** Ends the answer (the client does not reconnect after an `end` event it understands). */
  end(): void;
  /** True once the client went away or `end()` was called. */
  readonly closed: boolean;
  /** Runs `fn` once when the stream closes, either way. */
  onClose(fn: () => void): void;
}

/**
 * Starts a `text/event-stream` answer on `koa`: headers that keep proxies from buffering it, a
 * keep-alive comment every `heartbeatMs` (the console reconnects when it hears nothing), and
 * clean-up when the client goes away.
 *
 * Why here and not in the kernel: the kernel's SSE response helper (issue 15, item 6) is being
 * written at the same time; once it is on main this file gives way to it, the route's code
 * stays as it is.
 */
export function startEventStream(koa: KoaContext, heartbeatMs = 15000): EventStreamWriter {
  const stream = new PassThrough();
  const closers: Array<() => void> = [];
  let closed = false;
  const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), heartbeatMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    stream.end();
    for (const fn of closers) fn();
  };
  koa.req.socket.setTimeout(0);
  koa.req.socket.setNoDelay(true);
  koa.set('Content-Type', 'text/event-stream; charset=utf-8');
  koa.set('Cache-Control', 'no-cache, no-transform');
  // Reverse proxies (nginx) must not buffer the stream.
  koa.set('X-Accel-Buffering', 'no');
  koa.status = 200;
  koa.body = stream;
  koa.req.on('close', close);
  let id = 0;
  return {
    send(event, data) {
      if (!closed) stream.write(`id: ${++id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end: close,
    get closed() {
      return closed;
    },
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
  };
}
