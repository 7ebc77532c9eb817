import { z } from 'zod';
import { AppError, badRequest, conflict, definePlugin, forbidden, notFound, TooManyRequestsError, unauthorized } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { ADMIN_TOKEN, testAuthPlugin } from './support/test-auth';

const throwing: Record<string, () => unknown> = {
  conflict: () => {
    throw conflict('That name is taken', 'name');
  },
  throttled: () => {
    throw new TooManyRequestsError(7);
  },
  'bad-request': () => {
    throw badRequest(undefined, 'Pick at least one server');
  },
  'custom-unauthorized': () => {
    throw unauthorized('Session expired');
  },
  forbidden: () => {
    throw forbidden();
  },
  'not-found': () => {
    throw notFound('Server');
  },
  'app-error': () => {
    throw new AppError(422, 'unprocessable', 'Cannot do that now', 'state');
  },
  zod: () => z.object({ port: z.number() }).parse({ port: 'x' }),
  boom: () => {
    throw new Error('db password is hunter2');
  },
  'http-hidden': () => {
    throw Object.assign(new Error('internal detail'), { status: 409, expose: false });
  },
  nothing: () => undefined,
};

const errorsPlugin = definePlugin({
  id: 'errors',
  init(ctx) {
    for (const [name, fn] of Object.entries(throwing)) {
      ctx.http.route({ method: 'GET', path: `/api/errors/${name}`, summary: name, access: 'public', handler: fn });
    }
    ctx.http.rawRoute({
      method: 'GET',
      path: '/api/errors/teapot',
      summary: 'koa ctx.throw with an exposed 4xx',
      access: 'public',
      handler: (koa) => koa.throw(418, 'Short and stout'),
    });
  },
});

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [testAuthPlugin, errorsPlugin] });
});
afterAll(() => t.stop());

test.each([
  ['conflict', 409, { code: 'conflict', message: 'That name is taken', field: 'name' }],
  ['throttled', 429, { code: 'too_many_requests', message: 'Too many attempts; try again in 7 s' }],
  ['bad-request', 400, { code: 'validation_failed', message: 'Pick at least one server' }],
  ['custom-unauthorized', 401, { code: 'unauthorized', message: 'Session expired' }],
  ['forbidden', 403, { code: 'forbidden', message: 'You do not have permission to do this' }],
  ['not-found', 404, { code: 'not_found', message: 'Server not found' }],
  ['app-error', 422, { code: 'unprocessable', message: 'Cannot do that now', field: 'state' }],
  ['zod', 400, { code: 'validation_failed', message: 'port: Invalid input: expected number, received string', field: 'port' }],
  ['teapot', 418, { code: 'bad_request', message: 'Short and stout' }],
])('%s maps to %i { error: { code, message, field? } }', async (name, status, error) => {
  const res = await t.request('GET', `/api/errors/${name}`);
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error });
});

test('429 carries Retry-After', async () => {
  expect((await t.request('GET', '/api/errors/throttled')).headers.get('retry-after')).toBe('7');
});

test.each(['boom', 'http-hidden'])('an unexpected error (%s) is a 500 that reveals nothing but the request id, and is logged', async (name) => {
  const res = await t.request('GET', `/api/errors/${name}`);
  expect(res.status).toBe(500);
  expect(res.body.error.code).toBe('internal');
  const requestId = /^Internal error \(request ([0-9a-f-]{36})\)$/.exec(res.body.error.message)![1];
  expect(JSON.stringify(res.body)).not.toMatch(/hunter2|internal detail/);
  const logged = t.logs().map((l) => JSON.parse(l)).find((l) => l.msg === 'Unhandled error' && l.requestId === requestId);
  expect(logged).toMatchObject({ path: `/api/errors/${name}`, err: expect.objectContaining({ message: expect.any(String) }) });
});

test('a handler returning nothing answers 204 with no body', async () => {
  const res = await t.request('GET', '/api/errors/nothing');
  expect(res.status).toBe(204);
  expect(res.body).toBeUndefined();
});

test('/api/status reports a broken database instead of failing', async () => {
  const k = await startTestKernel({ plugins: [testAuthPlugin] });
  try {
    await k.kernel.dataSource.destroy();
    const res = await k.request('GET', '/api/status', { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body.database.ok).toBe(false);
    expect(typeof res.body.database.error).toBe('string');
  } finally {
    await k.stop();
  }
});
