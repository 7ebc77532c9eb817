import { effectScope } from 'vue';
import { installFakeFetch } from '../test-utils/fake-fetch';
import { FakeStreamServer, frame, routeStreamsTo } from '../test-utils/fake-stream';
import { api, onUnauthorized, type ApiError } from './api';
import type { EventStream, StreamEvent, StreamHandlers, StreamOptions } from './stream';

/** Lets the stream's promise chain (fetch, reader.read) run. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('api.stream', () => {
  let server: FakeStreamServer;
  let stream: EventStream | undefined;
  const events: StreamEvent[] = [];
  const errors: Array<[ApiError, boolean]> = [];

  beforeEach(() => {
    installFakeFetch({});
    server = new FakeStreamServer();
    routeStreamsTo(server);
    events.length = 0;
    errors.length = 0;
  });
  afterEach(() => {
    stream?.close();
    stream = undefined;
    jest.useRealTimers();
  });

  function open(options: StreamOptions = {}, handlers: Partial<StreamHandlers> = {}): EventStream {
    stream = api.stream(
      (last) => `/api/servers/s/preparation/events${last ? `?afterId=${last}` : ''}`,
      { onEvent: (e) => events.push(e), onError: (e, again) => errors.push([e, again]), ...handlers },
      { idleTimeoutMs: 0, ...options },
    );
    return stream;
  }

  it('sends the console header, reads the events as they arrive, and decodes UTF-8 split across chunks', async () => {
    const opened = jest.fn();
    open({}, { onOpen: opened });
    await settle();
    expect(server.connections).toHaveLength(1);
    const c = server.current;
    expect(c.url).toBe('/api/servers/s/preparation/events');
    expect(c.headers).toEqual({ Accept: 'text/event-stream', 'X-Requested-With': 'tomo-console' });
    expect((globalThis.fetch as jest.Mock).mock.calls[0][1]).toMatchObject({ method: 'GET', credentials: 'same-origin', cache: 'no-store' });
    expect(opened).toHaveBeenCalledTimes(1);

    c.push('id: 1\nevent: line\nda');
    await settle();
    expect(events).toEqual([]);
    c.push('ta: one\n\n: keep-alive\n\n');
    // "é" is two bytes; send them in two reads.
    const bytes = new TextEncoder().encode('id: 2\nevent: line\ndata: caf\u00e9\n\n');
    const cut = bytes.indexOf(0xc3) + 1;
    c.pushBytes(bytes.slice(0, cut));
    c.pushBytes(bytes.slice(cut));
    await settle();
    expect(events).toEqual([
      { type: 'line', data: 'one', lastEventId: '1' },
      { type: 'line', data: 'café', lastEventId: '2' },
    ]);
    expect(stream!.lastEventId).toBe('2');
  });

  it('reconnects after a drop with the last event id, and backs off while attempts fail', async () => {
    jest.useFakeTimers();
    open({ retryMs: 100, maxRetryMs: 350 });
    await settle();
    server.current.push(frame('line', { n: 1 }, 5));
    server.current.end(); // the server ended the body without "end"
    await settle();
    expect(errors.map(([e, again]) => [e.status, again])).toEqual([[0, true]]);
    expect(server.connections).toHaveLength(1);

    jest.advanceTimersByTime(99);
    await settle();
    expect(server.connections).toHaveLength(1);
    server.answers.push('network-error', { status: 503 }, 'stream');
    jest.advanceTimersByTime(1);
    await settle();
    // Failed without an event: the next wait doubles (200), then is capped (350).
    expect(errors).toHaveLength(2);
    jest.advanceTimersByTime(199);
    await settle();
    expect(errors).toHaveLength(2);
    jest.advanceTimersByTime(1);
    await settle();
    expect(errors.map(([e]) => e.status)).toEqual([0, 0, 503]);
    jest.advanceTimersByTime(349);
    await settle();
    expect(server.connections).toHaveLength(1);
    jest.advanceTimersByTime(1);
    await settle();
    expect(server.connections).toHaveLength(2);
    const again = server.current;
    expect(again.url).toBe('/api/servers/s/preparation/events?afterId=5');
    expect(again.headers['Last-Event-ID']).toBe('5');

    again.push(frame('line', { n: 2 }, 6));
    await settle();
    expect(events.map((e) => e.lastEventId)).toEqual(['5', '6']);
  });

  it('a half-received event is dropped when the connection breaks; the retry: field sets the delay', async () => {
    jest.useFakeTimers();
    open({ retryMs: 5000 });
    await settle();
    server.current.push('retry: 50\n\nid: 1\nevent: line\ndata: x\n\nid: 2\nevent: line\ndata: hal');
    await settle();
    server.current.fail();
    await settle();
    jest.advanceTimersByTime(50);
    await settle();
    expect(server.connections).toHaveLength(2);
    expect(server.current.afterId).toBe('1');
    server.current.push('f\n\n');
    await settle();
    expect(events.map((e) => e.data)).toEqual(['x']);
  });

  it('stops for good on an answer retrying cannot fix (404, 401)', async () => {
    jest.useFakeTimers();
    server.answers.push({ status: 404, body: { error: { code: 'not_found', message: 'Server not found' } } });
    const s = open();
    await settle();
    expect(errors.map(([e, again]) => [e.status, again])).toEqual([[404, false]]);
    expect(s.closed).toBe(true);
    jest.advanceTimersByTime(60000);
    await settle();
    expect(globalThis.fetch).toHaveBeenCalledTimes(1);
  });

  it('an answer that is not an event stream is retried', async () => {
    jest.useFakeTimers();
    const plain = { ok: true, status: 200, headers: { get: () => 'text/html' }, body: {} } as unknown as Response;
    (globalThis as { fetch: unknown }).fetch = jest.fn().mockResolvedValueOnce(plain).mockImplementation((url: string, init: RequestInit) => server.handle(url, init));
    open({ retryMs: 10 });
    await settle();
    expect(errors[0][0].message).toBe('The server did not answer with an event stream');
    jest.advanceTimersByTime(10);
    await settle();
    expect(server.connections).toHaveLength(1);
  });

  it('close() aborts the request, cancels pending reconnects, and delivers nothing more', async () => {
    jest.useFakeTimers();
    const s = open();
    await settle();
    const c = server.current;
    s.close();
    await settle();
    expect(c.aborted).toBe(true);
    expect(c.cancelled).toBe(true);
    expect(errors).toEqual([]);
    expect(s.closed).toBe(true);

    // Closed while waiting to reconnect.
    const s2 = open({ retryMs: 10 });
    await settle();
    server.current.end();
    await settle();
    s2.close();
    jest.advanceTimersByTime(1000);
    await settle();
    expect(server.connections).toHaveLength(2);
  });

  it('closing from inside onEvent drops the rest of the chunk', async () => {
    const s = open(
      {},
      {
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'end') s.close();
        },
      },
    );
    await settle();
    server.current.push(`${frame('line', 1, 1)}${frame('end', {})}${frame('line', 2, 2)}`);
    await settle();
    expect(events.map((e) => e.type)).toEqual(['line', 'end']);
    expect(errors).toEqual([]);
  });

  it('reconnects when nothing arrived for the idle timeout (keep-alives count)', async () => {
    jest.useFakeTimers();
    open({ idleTimeoutMs: 1000, retryMs: 10 });
    await settle();
    const first = server.current;
    jest.advanceTimersByTime(900);
    first.push(': keep-alive\n\n');
    await settle();
    jest.advanceTimersByTime(900);
    await settle();
    expect(first.aborted).toBe(false);
    jest.advanceTimersByTime(100);
    await settle();
    expect(first.aborted).toBe(true);
    expect(errors.map(([e, again]) => [e.message, again])).toEqual([['The live stream was interrupted', true]]);
    jest.advanceTimersByTime(10);
    await settle();
    expect(server.connections).toHaveLength(2);
  });

  it('a 401 ends the session through the kit\'s handler and stops; the error is the server\'s', async () => {
    const handler = jest.fn();
    const remove = onUnauthorized(handler);
    try {
      server.answers.push({ status: 401, body: { error: { code: 'unauthorized', message: 'Authentication required' } } });
      const s = open();
      await settle();
      expect(handler).toHaveBeenCalledTimes(1);
      expect(errors.map(([e, again]) => [e.status, e.code, again])).toEqual([[401, 'unauthorized', false]]);
      expect(s.closed).toBe(true);
    } finally {
      remove();
    }
  });

  it('closes when the component that opened it goes away', async () => {
    const scope = effectScope();
    scope.run(() => open());
    await settle();
    const c = server.current;
    expect(stream!.closed).toBe(false);
    scope.stop();
    await settle();
    expect(stream!.closed).toBe(true);
    expect(c.aborted).toBe(true);
  });

  it('takes a fixed URL as well, and resumes with Last-Event-ID only', async () => {
    jest.useFakeTimers();
    stream = api.stream('/api/things/1/events', { onEvent: (e) => events.push(e) }, { retryMs: 10, idleTimeoutMs: 0, lastEventId: '3' });
    await settle();
    expect(server.current.url).toBe('/api/things/1/events');
    expect(server.current.headers['Last-Event-ID']).toBe('3');
    server.current.push(frame('message-less', 1, 4) + 'data: plain\n\n');
    server.current.end();
    await settle();
    jest.advanceTimersByTime(10);
    await settle();
    expect(server.connections.map((c) => [c.url, c.headers['Last-Event-ID']])).toEqual([
      ['/api/things/1/events', '3'],
      ['/api/things/1/events', '4'],
    ]);
    expect(events.map((e) => [e.type, e.data, e.lastEventId])).toEqual([
      ['message-less', '1', '4'],
      ['message', 'plain', '4'],
    ]);
  });
});
