import http from 'node:http';
import { definePlugin, openEventStream, type EventStream } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { USER_TOKEN, testAuthPlugin } from './support/test-auth';

/** What the routes below saw, for the assertions. */
const seen: { lateSend?: boolean; lastEventId?: string; closedBy?: string; heartbeatStream?: EventStream; floodSent?: number; floodOpen?: boolean; drainedAfter?: number } = {};
let onFloodClosed: () => void = () => undefined;

const ssePlugin = definePlugin({
  id: 'sse-probe',
  init(ctx) {
    ctx.http.rawRoute({
      method: 'GET',
      path: '/api/sse/count',
      summary: 'Three numbered events, then the end',
      access: 'authenticated',
      handler: (koa, call) => {
        const events = openEventStream(koa, { retryMs: 2500 });
        seen.lastEventId = events.lastEventId;
        const from = Number(events.lastEventId ?? 0);
        for (let i = from + 1; i <= from + 3; i++) events.send('count', { i, by: call.principal.name }, i);
        events.send('end', undefined);
        events.onClose(() => (seen.closedBy = 'server'));
        events.close();
        seen.lateSend = events.send('late', {});
      },
    });
    ctx.http.rawRoute({
      method: 'GET',
      path: '/api/sse/idle',
      summary: 'Sends nothing but heartbeats until the client goes away',
      access: 'authenticated',
      handler: (koa) => {
        const events = openEventStream(koa, { heartbeatMs: 50 });
        seen.heartbeatStream = events;
        events.onClose(() => (seen.closedBy = 'client'));
      },
    });
    ctx.http.rawRoute({
      method: 'GET',
      path: '/api/sse/flood',
      summary: 'Sends until the client, which does not read, is too far behind',
      access: 'authenticated',
      handler: (koa) => {
        const events = openEventStream(koa, { maxBufferedBytes: 256 * 1024 });
        const chunk = 'x'.repeat(4096);
        let sent = 0;
        events.onClose(() => {
          seen.floodSent = sent;
          seen.floodOpen = events.closed === false;
          onFloodClosed();
        });
        const pump = () => {
          // Faster than any socket drains: a real producer would await drained() instead.
          for (let i = 0; i < 4 && events.send('chunk', chunk, sent); i++) sent++;
          if (!events.closed) setImmediate(pump);
        };
        pump();
      },
    });
    ctx.http.rawRoute({
      method: 'GET',
      path: '/api/sse/paced',
      summary: 'Sends 2 MiB, awaiting drained() between events: never closed for being slow',
      access: 'authenticated',
      handler: async (koa) => {
        const events = openEventStream(koa, { maxBufferedBytes: 128 * 1024 });
        const chunk = 'y'.repeat(8192);
        let sent = 0;
        while (sent < 256 && events.send('chunk', chunk, sent)) {
          sent++;
          await events.drained();
        }
        seen.drainedAfter = sent;
        events.close();
      },
    });
  },
});

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [testAuthPlugin, ssePlugin] });
});
afterAll(() => t.stop());

/** Opens a stream with a real HTTP client; resolves with the response once headers arrive. */
function open(path: string, headers: Record<string, string> = {}): Promise<{ res: http.IncomingMessage; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${t.url}${path}`, { headers: { authorization: `Bearer ${USER_TOKEN}`, ...headers } }, (res) => resolve({ res, req }));
    req.on('error', reject);
  });
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk as string;
  return text;
}

test('events go out with ids and JSON data, behind the headers a proxy needs, and the stream ends when closed', async () => {
  const { res } = await open('/api/sse/count');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store, no-transform');
  expect(res.headers['x-accel-buffering']).toBe('no');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  const text = await readAll(res);
  expect(text).toBe(
    'retry: 2500\n\n' +
      'id: 1\nevent: count\ndata: {"i":1,"by":"alice"}\n\n' +
      'id: 2\nevent: count\ndata: {"i":2,"by":"alice"}\n\n' +
      'id: 3\nevent: count\ndata: {"i":3,"by":"alice"}\n\n' +
      'event: end\ndata: null\n\n',
  );
  expect(seen.lastEventId).toBeUndefined();
  expect(seen.closedBy).toBe('server');
  expect(seen.lateSend).toBe(false);
});

test('a reconnecting client resumes after its Last-Event-ID', async () => {
  const { res } = await open('/api/sse/count', { 'last-event-id': '7' });
  const text = await readAll(res);
  expect(seen.lastEventId).toBe('7');
  expect(text).toContain('id: 8\nevent: count\ndata: {"i":8,"by":"alice"}');
  expect(text).not.toContain('id: 7\n');
});

test('access is still checked before the stream opens', async () => {
  const res = await t.request('GET', '/api/sse/count');
  expect(res.status).toBe(401);
});

test('an idle stream carries heartbeat comments, and closes when the client goes away', async () => {
  seen.closedBy = undefined;
  const { res, req } = await open('/api/sse/idle');
  res.setEncoding('utf8');
  const first = await new Promise<string>((resolve) => res.once('data', resolve));
  expect(first).toBe(': keep-alive\n\n');
  expect(seen.heartbeatStream?.closed).toBe(false);
  req.destroy();
  const deadline = Date.now() + 5000;
  while (seen.closedBy !== 'client' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(seen.closedBy).toBe('client');
  expect(seen.heartbeatStream?.closed).toBe(true);
  expect(seen.heartbeatStream?.send('after', {})).toBe(false);
});

test('a client that does not read is cut off once too much waits for it, instead of buffering without end', async () => {
  const closed = new Promise<void>((resolve) => (onFloodClosed = resolve));
  const { res, req } = await open('/api/sse/flood');
  res.pause(); // reads nothing: the socket and then the stream's buffer fill up
  await closed;
  req.destroy();
  expect(seen.floodOpen).toBe(false);
  // It got well past the socket buffers before giving up, and it did give up.
  expect(seen.floodSent).toBeGreaterThan(64);
});

test('a producer that awaits drained() is paced by the client and sends everything', async () => {
  const { res } = await open('/api/sse/paced');
  res.pause();
  // A slow reader: one chunk every few milliseconds, well below what the producer could write.
  await new Promise((r) => setTimeout(r, 300));
  res.resume();
  const text = await readAll(res);
  expect(seen.drainedAfter).toBe(256);
  expect(text.match(/event: chunk/g)?.length).toBe(256);
});
