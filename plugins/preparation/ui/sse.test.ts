import { FakeStreamServer, frame } from './test-fixtures';
import { EventStreamError, openEventStream, SseParser, type EventStream, type SseEvent } from './sse';

/** Lets the stream's promise chain (fetch, reader.read) run. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function parse(...chunks: string[]): { events: SseEvent[]; retries: number[]; parser: SseParser } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser(
    (e) => events.push(e),
    (ms) => retries.push(ms),
  );
  for (const chunk of chunks) parser.feed(chunk);
  return { events, retries, parser };
}

describe('SseParser', () => {
  it('reads named events with their data and id', () => {
    const { events, parser } = parse('id: 7\nevent: line\ndata: {"id":7}\n\n');
    expect(events).toEqual([{ type: 'line', data: '{"id":7}', lastEventId: '7' }]);
    expect(parser.lastEventId).toBe('7');
  });

  it('joins multi-line data with \\n, and calls an unnamed event "message"', () => {
    const { events } = parse('data: first\ndata: second\ndata:\ndata:  indented\n\n');
    expect(events).toEqual([{ type: 'message', data: 'first\nsecond\n\n indented', lastEventId: '' }]);
  });

  it('keeps the last id for later events without one; an empty id clears it; an id with NUL is ignored', () => {
    const { events } = parse('id: 3\ndata: a\n\n', 'event: state\ndata: b\n\n', 'id\ndata: c\n\n', 'id: 9\0\ndata: d\n\n');
    expect(events.map((e) => [e.type, e.data, e.lastEventId])).toEqual([
      ['message', 'a', '3'],
      ['state', 'b', '3'],
      ['message', 'c', ''],
      ['message', 'd', ''],
    ]);
  });

  it('ignores comments (keep-alives), unknown fields and events without data', () => {
    const { events } = parse(': keep-alive\n\n', 'event: end\n\n', 'foo: bar\nevent: end\ndata: {}\n\n');
    expect(events).toEqual([{ type: 'end', data: '{}', lastEventId: '' }]);
  });

  it('reassembles events split at any point across chunks', () => {
    const text = `${frame('line', { id: 1, message: 'héllo: wörld' }, 1)}: keep-alive\n\n${frame('state', { status: 'in_progress' })}${frame('end', {})}`;
    const whole = parse(text).events;
    expect(whole.map((e) => e.type)).toEqual(['line', 'state', 'end']);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(parse(...chunks).events).toEqual(whole);
    }
  });

  it('accepts CRLF and CR line ends, also with the CR and LF in different chunks', () => {
    expect(parse('event: a\r\ndata: 1\r\n\r\n').events).toEqual([{ type: 'a', data: '1', lastEventId: '' }]);
    expect(parse('event: b\rdata: 2\r\r').events).toEqual([{ type: 'b', data: '2', lastEventId: '' }]);
    // "\r" | "\n" split: one line break, not two (which would dispatch early).
    expect(parse('event: c\r', '\ndata: 3\r', '\n', '\r', '\n').events).toEqual([{ type: 'c', data: '3', lastEventId: '' }]);
  });

  it('removes only one leading space of a value; a line without a colon is a field with an empty value', () => {
    expect(parse('data:no-space\n\n').events[0].data).toBe('no-space');
    expect(parse('data:   three\n\n').events[0].data).toBe('  three');
    expect(parse('data\n\n').events).toEqual([{ type: 'message', data: '', lastEventId: '' }]);
  });

  it('drops a leading byte-order mark', () => {
    expect(parse('\uFEFFdata: x\n\n').events).toEqual([{ type: 'message', data: 'x', lastEventId: '' }]);
  });

  it('passes retry: values that are digits only', () => {
    expect(parse('retry: 2500\n', 'retry: soon\n', 'retry: 1.5\n').retries).toEqual([2500]);
  });

  it('drops a half-received event on reset and keeps the id', () => {
    const { events, parser } = parse('id: 4\ndata: a\n\n', 'event: line\ndata: half');
    parser.reset();
    parser.feed('data: b\n\n');
    expect(events.map((e) => [e.type, e.data, e.lastEventId])).toEqual([
      ['message', 'a', '4'],
      ['message', 'b', '4'],
    ]);
  });

  it('an id counts once its event is complete; an event of only an id still moves it', () => {
    const { events, parser } = parse('id: 1\ndata: a\n\n', 'id: 2\ndata: b');
    expect(parser.lastEventId).toBe('1');
    parser.feed('\n\nid: 3\n\n');
    expect(parser.lastEventId).toBe('3');
    expect(events.map((e) => e.lastEventId)).toEqual(['1', '2']);
  });

  it('starts from an initial last event id', () => {
    const parser = new SseParser(() => undefined, undefined, '12');
    expect(parser.lastEventId).toBe('12');
  });
});

describe('openEventStream', () => {
  let server: FakeStreamServer;
  let stream: EventStream | undefined;
  const events: SseEvent[] = [];
  const errors: Array<[EventStreamError, boolean]> = [];

  beforeEach(() => {
    server = new FakeStreamServer();
    events.length = 0;
    errors.length = 0;
  });
  afterEach(() => {
    stream?.close();
    stream = undefined;
    jest.useRealTimers();
  });

  function open(overrides: Partial<Parameters<typeof openEventStream>[0]> = {}): EventStream {
    stream = openEventStream({
      url: (last) => `/api/servers/s/preparation/events${last ? `?afterId=${last}` : ''}`,
      headers: { 'X-Requested-With': 'tomo-console' },
      onEvent: (e) => events.push(e),
      onError: (e, again) => errors.push([e, again]),
      fetch: server.fetch,
      idleTimeoutMs: 0,
      ...overrides,
    });
    return stream;
  }

  it('sends the console header, reads the events as they arrive, and decodes UTF-8 split across chunks', async () => {
    const opened = jest.fn();
    open({ onOpen: opened });
    await settle();
    expect(server.connections).toHaveLength(1);
    const c = server.current;
    expect(c.url).toBe('/api/servers/s/preparation/events');
    expect(c.headers).toEqual({ Accept: 'text/event-stream', 'X-Requested-With': 'tomo-console' });
    expect(server.fetch.mock.calls[0][1]).toMatchObject({ method: 'GET', credentials: 'same-origin', cache: 'no-store' });
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
    expect(server.fetch).toHaveBeenCalledTimes(1);
  });

  it('an answer that is not an event stream is retried', async () => {
    jest.useFakeTimers();
    const plain = { ok: true, status: 200, headers: { get: () => 'text/html' }, body: {} } as unknown as Response;
    const fetch = jest.fn().mockResolvedValueOnce(plain).mockImplementation((url: string, init: RequestInit) => server.handle(url, init));
    open({ fetch, retryMs: 10 });
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
    const s = open({
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'end') s.close();
      },
    });
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

  it('uses the global fetch by default', async () => {
    const previous = globalThis.fetch;
    (globalThis as { fetch: unknown }).fetch = server.fetch;
    try {
      open({ fetch: undefined });
      await settle();
      expect(server.fetch).toHaveBeenCalledTimes(1);
    } finally {
      (globalThis as { fetch: unknown }).fetch = previous;
    }
  });
});
