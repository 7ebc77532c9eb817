/**
 * Shared by the preparation panel's tests (never bundled: index.ts does not import it):
 * preparations and log lines as the API returns them, and a fake `text/event-stream` server
 * that a test feeds chunk by chunk.
 */
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';
import type { LogLine, PreparationView, StepView } from './api';

// jsdom (Jest's) has no TextDecoder; the stream reader decodes bytes with it.
const g = globalThis as unknown as Record<string, unknown>;
if (typeof g.TextDecoder === 'undefined') g.TextDecoder = NodeTextDecoder;
if (typeof g.TextEncoder === 'undefined') g.TextEncoder = NodeTextEncoder;

export const SERVER_ID = '0b7f5f5e-1111-4c4c-9a9a-000000000001';

export const DEBIAN = { id: 'debian', versionId: '12', idLike: [], codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)', architecture: 'x86_64' };

/** The Debian plan: OS detection plus the preparer's steps. */
export const PLAN: ReadonlyArray<Pick<StepView, 'id' | 'title'>> = [
  { id: 'detect-os', title: 'Detect the operating system' },
  { id: 'update-package-index', title: 'Update the package index' },
  { id: 'install-docker', title: 'Install Docker' },
  { id: 'start-docker', title: 'Start Docker' },
  { id: 'docker-group', title: 'Let the SSH user run Docker' },
];

/** The plan's steps with the given states (missing ones `pending`). */
export function steps(states: Partial<Record<string, StepView['state']>> = {}): StepView[] {
  return PLAN.map((s) => ({ ...s, state: states[s.id] ?? 'pending' }));
}

export function makeView(overrides: Partial<PreparationView> = {}): PreparationView {
  return {
    preparationId: 'p-1',
    serverId: SERVER_ID,
    status: 'pending',
    currentStep: null,
    failedStep: null,
    error: null,
    steps: [],
    os: null,
    preparer: null,
    startedAt: null,
    finishedAt: null,
    recentLog: [],
    ...overrides,
  };
}

/** A never-prepared server. */
export const NEVER_PREPARED: PreparationView = makeView({ preparationId: null });

export function line(id: number, message: string, overrides: Partial<LogLine> = {}): LogLine {
  return { id, at: '2025-03-01T10:00:00.000Z', step: null, level: 'info', message, ...overrides };
}

/** An SSE frame as the backend writes it. */
export function frame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const lineFrame = (l: LogLine) => frame('line', l, l.id);
export const stateFrame = (v: PreparationView) => frame('state', { ...v, recentLog: undefined });
export const END_FRAME = frame('end', {});

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
 * Sends `/events` requests made through the global `fetch` to `server`, and everything else to
 * the fetch installed before (the console's fake JSON API).
 */
export function routeStreamsTo(server: FakeStreamServer): void {
  const json = globalThis.fetch;
  (globalThis as { fetch: unknown }).fetch = jest.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (/\/preparation\/events(\?|$)/.test(url)) return server.handle(url, init);
    return json(input, init);
  });
}
