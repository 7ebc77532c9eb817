/**
 * A fake `text/event-stream` server for console tests: each request opens a connection the test
 * feeds chunk by chunk, ends or breaks. Used through the global `fetch` (`routeStreamsTo`).
 */
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';

// jsdom (Jest's) has no TextDecoder; the stream reader decodes bytes with it.
const g = globalThis as unknown as Record<string, unknown>;
if (typeof g.TextDecoder === 'undefined') g.TextDecoder = NodeTextDecoder;
if (typeof g.TextEncoder === 'undefined') g.TextEncoder = NodeTextEncoder;

/** An SSE frame as Tomo's backends write it. */
export function frame(event: string, data: unknown, id?: number | string): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One open connection of the fake stream server: push text or bytes, end it, or break it. */
export class FakeConnection {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal | undefined;
  private readonly queue: Array<IteratorResult<Uint8Array> | Error> = [];
  private waiter: ((item: IteratorResult<Uint8Array> | Error) => void) | null = null;
  cancelled = false;

  constructor(url: string, init: RequestInit) {
    this.url = url;
    this.headers = { ...(init.headers as Record<string, string>) };
    this.signal = init.signal ?? undefined;
    this.signal?.addEventListener('abort', () => this.put(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })));
  }

  get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** The `afterId` query parameter, if any. */
  get afterId(): string | null {
    return new URL(this.url, 'http://tomo.test').searchParams.get('afterId');
  }

  private put(item: IteratorResult<Uint8Array> | Error): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(item);
    } else this.queue.push(item);
  }

  /** Sends text (UTF-8 encoded, as the network does). */
  push(text: string): void {
    this.put({ done: false, value: new NodeTextEncoder().encode(text) as Uint8Array });
  }

  pushBytes(bytes: Uint8Array): void {
    this.put({ done: false, value: bytes });
  }

  /** The server ends the body. */
  end(): void {
    this.put({ done: true, value: undefined });
  }

  /** The connection breaks. */
  fail(): void {
    this.put(new TypeError('network error'));
  }

  response(): Response {
    const reader = {
      read: (): Promise<IteratorResult<Uint8Array>> =>
        new Promise((resolve, reject) => {
          const take = (item: IteratorResult<Uint8Array> | Error) => (item instanceof Error ? reject(item) : resolve(item));
          const next = this.queue.shift();
          if (next) take(next);
          else this.waiter = take;
        }),
      cancel: async () => {
        this.cancelled = true;
      },
    };
    return {
      ok: true,
      status: 200,
      headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'text/event-stream; charset=utf-8' : null) },
      body: { getReader: () => reader },
    } as unknown as Response;
  }
}

/** What the fake stream server answers to one connection: open a stream, or an HTTP error. */
export type StreamAnswer = 'stream' | { status: number; body?: unknown } | 'network-error';

/**
 * A fake event-stream server: each request opens a {@link FakeConnection} (or gets the next
 * queued answer). `connections` lists them in order.
 */
export class FakeStreamServer {
  readonly connections: FakeConnection[] = [];
  readonly answers: StreamAnswer[] = [];

  /** The newest connection. */
  get current(): FakeConnection {
    const c = this.connections[this.connections.length - 1];
    if (!c) throw new Error('No stream connection was opened');
    return c;
  }

  handle = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const answer = this.answers.shift() ?? 'stream';
    if (answer === 'network-error') throw new TypeError('Failed to fetch');
    if (answer !== 'stream') {
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      return {
        ok: false,
        status: answer.status,
        statusText: '',
        headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) },
        text: async () => text,
        json: async () => JSON.parse(text),
        body: null,
      } as unknown as Response;
    }
    const connection = new FakeConnection(url, init);
    this.connections.push(connection);
    return connection.response();
  };

  /** A `fetch` that only knows the stream. */
  fetch = jest.fn((input: RequestInfo | URL, init?: RequestInit) => this.handle(String(input), init));
}

/**
 * Sends requests whose URL matches `pattern` (by default any `/events` path) made through the
 * global `fetch` to `server`, and everything else to the fetch installed before (the console's
 * fake JSON API, `installFakeFetch`).
 */
export function routeStreamsTo(server: FakeStreamServer, pattern: RegExp = /\/events(\?|$)/): void {
  const json = globalThis.fetch;
  (globalThis as { fetch: unknown }).fetch = jest.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (pattern.test(url)) return server.handle(url, init);
    return json(input, init);
  });
}
