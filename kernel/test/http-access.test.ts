import { z } from 'zod';
import { definePlugin, SESSION_COOKIE, CONSOLE_HEADER, CONSOLE_HEADER_VALUE } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { countNotes, testNotesPlugin } from './support/notes-plugin';
import { ADMIN_TOKEN, OTHER_USER_TOKEN, USER_TOKEN, testAuthPlugin } from './support/test-auth';

let t: TestKernel;
const seen: Array<{ principal?: string; transport: string; requestId: string }> = [];

const probePlugin = definePlugin({
  id: 'probe',
  init(ctx) {
    ctx.http.route({
      method: 'GET',
      path: '/api/probe/whoami',
      summary: 'Who is calling (public: principal optional)',
      access: 'public',
      response: z.object({ principal: z.string().nullable() }),
      handler: (_input, call) => {
        seen.push({ principal: call.principal?.id, transport: call.transport, requestId: call.requestId });
        return { principal: call.principal?.id ?? null };
      },
    });
    ctx.http.route({
      method: 'POST',
      path: '/api/probe/cookie',
      summary: 'Sets and clears a cookie',
      access: 'public',
      body: z.object({ value: z.string().nullable() }),
      response: z.object({ had: z.string().nullable() }),
      handler: ({ body }, call) => {
        call.cookies!.set('probe', body.value, { maxAgeMs: 60000 });
        return { had: call.cookies!.get('probe') ?? null };
      },
    });
  },
});

beforeAll(async () => {
  t = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin, probePlugin] });
});
afterAll(() => t.stop());
afterEach(async () => {
  await t.kernel.dataSource.query('DELETE FROM "test_notes"');
});

test('no credentials: 401 unauthorized, and nothing is written', async () => {
  const res = await t.request('POST', '/api/notes', { body: { title: 'x', priority: 1 } });
  expect(res.status).toBe(401);
  expect(res.body.error).toEqual({ code: 'unauthorized', message: 'Authentication required' });
  expect(await countNotes(t)).toBe(0);
});

test.each([
  ['an unknown bearer token', { authorization: 'Bearer not-a-known-token' }],
  ['a malformed Authorization header', { authorization: `Basic ${ADMIN_TOKEN}` }],
  ['a bearer header with two words', { authorization: `Bearer ${ADMIN_TOKEN} extra` }],
])('%s: 401', async (_name, headers) => {
  const res = await t.request('GET', '/api/notes', { headers });
  expect(res.status).toBe(401);
});

test('a bearer token is accepted case-insensitively on the scheme', async () => {
  expect((await t.request('GET', '/api/notes', { headers: { authorization: `bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
});

test('admin-only route: 403 for a user (nothing deleted), 401 without credentials, 204 for an admin', async () => {
  const created = await t.request('POST', '/api/notes', { token: USER_TOKEN, body: { title: 'mine', priority: 1 } });
  expect(created.status).toBe(201);
  const asUser = await t.request('DELETE', `/api/notes/${created.body.id}`, { token: USER_TOKEN });
  expect(asUser.status).toBe(403);
  expect(asUser.body.error.code).toBe('forbidden');
  expect((await t.request('DELETE', `/api/notes/${created.body.id}`)).status).toBe(401);
  expect(await countNotes(t)).toBe(1);
  const asAdmin = await t.request('DELETE', `/api/notes/${created.body.id}`, { token: ADMIN_TOKEN });
  expect(asAdmin.status).toBe(204);
  expect(await countNotes(t)).toBe(0);
});

test("ownerScope/requireOwned: a user sees only their records; another user's id is 404, an admin sees all", async () => {
  const mine = await t.request('POST', '/api/notes', { token: USER_TOKEN, body: { title: 'alice note', priority: 1 } });
  const theirs = await t.request('POST', '/api/notes', { token: OTHER_USER_TOKEN, body: { title: 'bob note', priority: 2 } });
  expect(mine.body.ownerId).toBe('user-1');
  expect(theirs.body.ownerId).toBe('user-2');

  const list = await t.request('GET', '/api/notes', { token: USER_TOKEN });
  expect(list.body.map((n: { title: string }) => n.title)).toEqual(['alice note']);
  const all = await t.request('GET', '/api/notes', { token: ADMIN_TOKEN });
  expect(all.body.map((n: { title: string }) => n.title)).toEqual(['alice note', 'bob note']);

  expect((await t.request('GET', `/api/notes/${mine.body.id}`, { token: USER_TOKEN })).status).toBe(200);
  const foreign = await t.request('GET', `/api/notes/${theirs.body.id}`, { token: USER_TOKEN });
  const missing = await t.request('GET', '/api/notes/999999', { token: USER_TOKEN });
  expect(foreign.status).toBe(404);
  expect(foreign.body).toEqual(missing.body);
  expect(foreign.body.error).toEqual({ code: 'not_found', message: 'Note not found' });
  expect((await t.request('GET', `/api/notes/${theirs.body.id}`, { token: ADMIN_TOKEN })).body.title).toBe('bob note');
});

test('the console cookie counts only together with the console header (CSRF guard)', async () => {
  const cookie = `${SESSION_COOKIE}=${ADMIN_TOKEN}`;
  expect((await t.request('GET', '/api/notes', { headers: { cookie } })).status).toBe(401);
  expect((await t.request('GET', '/api/notes', { headers: { cookie, [CONSOLE_HEADER]: 'something-else' } })).status).toBe(401);
  expect((await t.request('GET', '/api/notes', { headers: { cookie, [CONSOLE_HEADER]: CONSOLE_HEADER_VALUE } })).status).toBe(200);
});

test('public routes see the principal when one is presented, and none otherwise', async () => {
  expect((await t.request('GET', '/api/probe/whoami')).body).toEqual({ principal: null });
  expect((await t.request('GET', '/api/probe/whoami', { token: USER_TOKEN })).body).toEqual({ principal: 'user-1' });
  expect(seen.at(-1)).toMatchObject({ transport: 'http' });
  expect(seen.at(-1)!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(seen.at(-2)!.requestId).not.toBe(seen.at(-1)!.requestId);
});

test('handlers set HttpOnly SameSite=Strict cookies through the call context, and clear them', async () => {
  const set = await t.request('POST', '/api/probe/cookie', { body: { value: 'v1' } });
  const header = set.headers.get('set-cookie') ?? '';
  expect(header).toMatch(/^probe=v1; path=\/; expires=.*; samesite=strict; httponly$/i);
  const read = await t.request('POST', '/api/probe/cookie', { body: { value: null }, headers: { cookie: 'probe=v1' } });
  expect(read.body).toEqual({ had: 'v1' });
  expect(read.headers.get('set-cookie')).toMatch(/^probe=; path=\/; expires=Thu, 01 Jan 1970/i);
});
