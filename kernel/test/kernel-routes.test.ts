import { z } from 'zod';
import { definePlugin, KERNEL_VERSION } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { testNotesPlugin } from './support/notes-plugin';
import { ADMIN_TOKEN, USER_TOKEN, testAuthPlugin } from './support/test-auth';

let t: TestKernel;

const streamPlugin = definePlugin({
  id: 'stream',
  version: '2.3.4',
  init(ctx) {
    ctx.http.rawRoute({
      method: 'GET',
      path: '/api/stream/download',
      summary: 'Streams text',
      access: 'authenticated',
      handler: (koa) => {
        koa.type = 'text/plain';
        koa.body = 'raw bytes';
      },
    });
    ctx.http.route({
      method: 'PUT',
      path: '/api/stream/settings/:name',
      summary: 'Put a setting',
      description: 'Longer words',
      tag: 'settings',
      access: 'admin',
      params: z.object({ name: z.string() }),
      query: z.object({ dryRun: z.enum(['true', 'false']).optional(), mode: z.string() }),
      body: z.object({ value: z.string(), nested: z.object({ a: z.number() }).optional() }),
      response: z.object({ ok: z.boolean() }),
      handler: () => ({ ok: true }),
    });
  },
});

beforeAll(async () => {
  t = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin, streamPlugin] });
});
afterAll(() => t.stop());

test('/health answers without credentials', async () => {
  const res = await t.request('GET', '/health');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok' });
});

test('/api/status needs credentials, then reports version, uptime, plugins and the database', async () => {
  expect((await t.request('GET', '/api/status')).status).toBe(401);
  const res = await t.request('GET', '/api/status', { token: USER_TOKEN });
  expect(res.status).toBe(200);
  expect(res.body.version).toBe(KERNEL_VERSION);
  expect(typeof res.body.uptimeSeconds).toBe('number');
  expect(res.body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  expect(res.body.database).toEqual({ ok: true });
  expect(res.body.plugins).toEqual([
    { id: 'test-auth', version: '0.0.0', state: 'active' },
    { id: 'test-notes', version: '0.0.0', state: 'active' },
    { id: 'stream', version: '2.3.4', state: 'active' },
  ]);
});

describe('/api/openapi.json', () => {
  let doc: any;
  beforeAll(async () => {
    const res = await t.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });

  test('is an OpenAPI 3.1 document with the kernel and plugin routes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'Tomo API', version: KERNEL_VERSION });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/api/status', '/api/openapi.json', '/api/ui/manifest', '/api/notes', '/api/notes/{id}', '/api/stream/download', '/api/stream/settings/{name}']),
    );
    expect(Object.keys(doc.paths['/api/notes']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/notes/{id}']).sort()).toEqual(['delete', 'get']);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('request bodies carry their schema, with additionalProperties: false', () => {
    const post = doc.paths['/api/notes'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(post.requestBody.required).toBe(true);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['title', 'priority']);
    expect(schema.properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(schema.properties.priority).toMatchObject({ type: 'integer', minimum: 0, maximum: 5 });
    expect(post.responses['201'].content['application/json'].schema).toMatchObject({ type: 'object', required: ['id', 'title', 'priority', 'ownerId'] });
    // A route without a response schema answers 204, and says so.
    expect(doc.paths['/api/notes/{id}'].delete.responses['204']).toEqual({ description: 'Done; no content' });
    expect(post.responses['400'].content['application/json'].schema.properties.error.required).toEqual(['code', 'message']);
  });

  test('{id} path parameters and query parameters are listed; access shows as security and 401/403', () => {
    const get = doc.paths['/api/notes/{id}'].get;
    expect(get.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: expect.objectContaining({ type: 'integer' }) }]);
    expect(get.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '404']);
    expect(Object.keys(doc.paths['/api/notes/{id}'].delete.responses)).toEqual(expect.arrayContaining(['401', '403']));

    const put = doc.paths['/api/stream/settings/{name}'].put;
    expect(put.parameters).toEqual([
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'dryRun', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'mode', in: 'query', required: true, schema: { type: 'string' } },
    ]);
    expect(put).toMatchObject({ summary: 'Put a setting', description: 'Longer words', tags: ['settings'] });
    expect(put.responses['200'].content['application/json'].schema).toMatchObject({ type: 'object', properties: { ok: { type: 'boolean' } } });
    expect(doc.paths['/api/notes'].get.parameters).toEqual([{ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer' }) }]);
  });

  test('public routes have no security; raw routes are documented as streamed; tags default to the owner', () => {
    expect(doc.paths['/health'].get.security).toBeUndefined();
    expect(doc.paths['/health'].get.tags).toEqual(['kernel']);
    expect(doc.paths['/api/notes'].post.tags).toEqual(['test-notes']);
    const raw = doc.paths['/api/stream/download'].get;
    expect(raw.responses['200']).toEqual({ description: 'Streamed response' });
    expect(raw.tags).toEqual(['stream']);
    expect(raw.security).toEqual([{ bearerAuth: [] }]);
  });
});

test('raw routes still enforce access and write their own response', async () => {
  expect((await t.request('GET', '/api/stream/download')).status).toBe(401);
  const res = await t.request('GET', '/api/stream/download', { token: USER_TOKEN });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(res.body).toBe('raw bytes');
});

test('every response carries the security headers; API responses load nothing and are not cached', async () => {
  for (const p of ['/health', '/api/status', '/api/nope', '/some/console/page', '/mcp']) {
    const res = await t.request('GET', p, { token: ADMIN_TOKEN });
    const csp = res.headers.get('content-security-policy') ?? '';
    if (p.startsWith('/api/') || p === '/mcp') {
      // An API answer is never a page: it may load nothing and be framed by nothing.
      expect(csp).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
    } else {
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
    }
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  }
});

test('an unknown API path is a JSON 404; a known path with the wrong method is 405 with Allow', async () => {
  const res = await t.request('GET', '/api/does-not-exist');
  expect(res.status).toBe(404);
  expect(res.body.error).toEqual({ code: 'not_found', message: 'No route GET /api/does-not-exist' });
  const wrong = await t.request('PATCH', '/api/notes', { token: ADMIN_TOKEN });
  expect(wrong.status).toBe(405);
  expect(wrong.headers.get('allow')).toContain('POST');
});
