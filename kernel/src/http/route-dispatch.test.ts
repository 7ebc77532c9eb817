import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import { dispatchRoutes, type DispatchedRoute } from './route-dispatch';

/** A real Koa app on a loopback port: the dispatcher, then a fallback that says nothing matched. */
async function serve(routes: DispatchedRoute[]): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Koa();
  app.use(dispatchRoutes(routes));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { fellThrough: ctx.path };
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const answer = (name: string): DispatchedRoute['handler'] => async (ctx) => {
  ctx.body = { name, params: { ...(ctx as unknown as { params: object }).params }, matched: (ctx as { _matchedRoute?: unknown })._matchedRoute };
};

const ROUTES: DispatchedRoute[] = [
  { method: 'get', path: '/api/notes', handler: answer('list notes') },
  { method: 'post', path: '/api/notes', handler: answer('add note') },
  { method: 'get', path: '/api/notes/:id', handler: answer('one note') },
  { method: 'get', path: '/api/tags/:tag/notes', handler: answer('notes by tag') },
  { method: 'get', path: '/health', handler: answer('health') },
  { method: 'all', path: '/mcp', handler: answer('mcp') },
];

async function call(url: string, method = 'GET'): Promise<{ status: number; allow: string | null; body: unknown }> {
  const res = await fetch(url, { method });
  return { status: res.status, allow: res.headers.get('allow'), body: await res.json().catch(() => undefined) };
}

describe('dispatchRoutes: each request goes to its /api/<group> router, matched as @koa/router does', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve(ROUTES);
  });
  afterAll(() => s.close());

  test('routes of every group answer, with their parameters and matched template', async () => {
    expect((await call(`${s.url}/api/notes`)).body).toEqual({ name: 'list notes', params: {}, matched: '/api/notes' });
    expect((await call(`${s.url}/api/notes`, 'POST')).body).toMatchObject({ name: 'add note' });
    expect((await call(`${s.url}/api/notes/42`)).body).toEqual({ name: 'one note', params: { id: '42' }, matched: '/api/notes/:id' });
    expect((await call(`${s.url}/api/tags/red/notes`)).body).toMatchObject({ name: 'notes by tag', params: { tag: 'red' } });
    expect((await call(`${s.url}/health`)).body).toMatchObject({ name: 'health' });
    expect((await call(`${s.url}/mcp`, 'DELETE')).body).toMatchObject({ name: 'mcp' });
  });

  test('matching ignores case and a trailing slash, as before', async () => {
    expect((await call(`${s.url}/API/Notes/7/`)).body).toMatchObject({ name: 'one note', params: { id: '7' } });
  });

  test('a known path with another method is 405 with Allow; unknown groups and paths fall through', async () => {
    const wrong = await call(`${s.url}/api/notes`, 'PUT');
    expect(wrong.status).toBe(405);
    expect(wrong.allow).toContain('GET');
    expect(wrong.allow).toContain('POST');
    expect(await call(`${s.url}/api/nothing/here`)).toMatchObject({ status: 404, body: { fellThrough: '/api/nothing/here' } });
    expect(await call(`${s.url}/api/notes/1/2`)).toMatchObject({ status: 404, body: { fellThrough: '/api/notes/1/2' } });
    expect(await call(`${s.url}/api/`)).toMatchObject({ status: 404 });
  });
});

test('a route whose group is a parameter keeps every route in one router, so it still matches any group', async () => {
  const s = await serve([...ROUTES, { method: 'get', path: '/api/:kind/count', handler: answer('count') }]);
  try {
    expect((await call(`${s.url}/api/notes/count`)).body).toMatchObject({ name: 'one note', params: { id: 'count' } });
    expect((await call(`${s.url}/api/anything/count`)).body).toMatchObject({ name: 'count', params: { kind: 'anything' } });
    expect((await call(`${s.url}/api/notes/9`)).body).toMatchObject({ name: 'one note' });
  } finally {
    await s.close();
  }
});

test('a parameterless route is called directly only where the router would pick it first', async () => {
  const s = await serve([
    { method: 'get', path: '/api/notes/:id', handler: answer('one note') },
    { method: 'get', path: '/api/notes/latest', handler: answer('shadowed by :id') },
    { method: 'get', path: '/api/notes', handler: answer('list notes') },
    { method: 'all', path: '/api/tags', handler: answer('all tags') },
    { method: 'get', path: '/api/tags', handler: answer('shadowed by all') },
  ]);
  try {
    expect((await call(`${s.url}/api/notes/latest`)).body).toEqual({ name: 'one note', params: { id: 'latest' }, matched: '/api/notes/:id' });
    expect((await call(`${s.url}/api/notes`)).body).toEqual({ name: 'list notes', params: {}, matched: '/api/notes' });
    expect((await call(`${s.url}/api/notes?x=1`)).body).toEqual({ name: 'list notes', params: {}, matched: '/api/notes' });
    expect((await call(`${s.url}/api/tags`)).body).toMatchObject({ name: 'all tags' });
    expect(await call(`${s.url}/api/notes`, 'DELETE')).toMatchObject({ status: 405 });
  } finally {
    await s.close();
  }
});
