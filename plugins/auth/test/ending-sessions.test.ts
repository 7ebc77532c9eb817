/**
 * Ending credentials at once, over real HTTP on a real SQLite file: an admin signing a user out
 * everywhere (`DELETE /api/users/:id/sessions`), disabling a user, and password changes (by an
 * admin or the user) end sessions and API tokens on the very next request, cached or not.
 */
import { randomUUID } from 'node:crypto';
import { runSql } from '@tomo/kernel';
import type { TestKernel } from '@tomo/kernel/testing';
import { ADMIN, USER, startAuthKernel } from './support/auth-kernel';
import { loginWithCookie, meStatus, sessionRecord } from './support/sessions';

type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
let t: Kernel;
let adminToken: string;

const CAROL = { username: 'carol', email: 'carol@example.com', password: 'carol-password-123' };

beforeAll(async () => {
  t = await startAuthKernel();
  adminToken = await t.login(ADMIN);
  expect((await t.request('POST', '/api/users', { token: adminToken, body: { ...CAROL, role: 'user' } })).status).toBe(201);
});
afterAll(() => t.stop());

async function userId(username: string): Promise<string> {
  const res = await t.request('GET', '/api/users', { token: adminToken });
  return (res.body.users as Array<{ id: string; username: string }>).find((u) => u.username === username)!.id;
}

async function newApiToken(session: string): Promise<string> {
  const res = await t.request('POST', '/api/auth/tokens', { token: session, body: { name: `t-${randomUUID().slice(0, 8)}` } });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

/** Every credential row and user row, to prove a refused request changed nothing (last-use times left out). */
async function dump(k: TestKernel): Promise<unknown> {
  const q = (sql: string) => runSql(k.kernel.dataSource, sql);
  return {
    users: await q('SELECT id, username, role, disabled, "passwordHash", "updatedAt" FROM auth_users ORDER BY id'),
    sessions: await q('SELECT id, "userId", "expiresAt", "revokedAt" FROM auth_sessions ORDER BY id'),
    tokens: await q('SELECT id, "userId", "expiresAt", "revokedAt" FROM auth_api_tokens ORDER BY id'),
  };
}

describe('DELETE /api/users/:id/sessions (sign out everywhere)', () => {
  test('ends every session of that user at once (bearer and console cookie, cached or not); others and the API tokens are untouched', async () => {
    const bobApi = await loginWithCookie(t, USER);
    const bobConsole = await loginWithCookie(t, USER);
    const bobPat = await newApiToken(bobApi.token);
    const carol = await loginWithCookie(t, CAROL);
    // Warm the credential cache: the next requests must not be answered from it.
    for (const c of [{ token: bobApi.token }, { cookie: bobConsole.cookie }, { token: bobPat }, { cookie: carol.cookie }]) expect(await meStatus(t, c)).toBe(200);

    const res = await t.request('DELETE', `/api/users/${await userId('bob')}/sessions`, { token: adminToken });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();

    expect(await meStatus(t, { token: bobApi.token })).toBe(401);
    expect(await meStatus(t, { cookie: bobConsole.cookie })).toBe(401);
    expect((await sessionRecord(t, bobApi.token)).revokedAt).not.toBeNull();
    expect((await sessionRecord(t, bobConsole.token)).revokedAt).not.toBeNull();
    // The choice: API tokens are kept (disable the user or set a new password to end those too).
    expect(await meStatus(t, { token: bobPat })).toBe(200);
    // Another user's sessions and the admin's own live on.
    expect(await meStatus(t, { token: carol.token })).toBe(200);
    expect(await meStatus(t, { cookie: carol.cookie })).toBe(200);
    expect(await meStatus(t, { token: adminToken })).toBe(200);
    // Bob can sign in again.
    expect(await meStatus(t, { token: await t.login(USER) })).toBe(200);
  });

  test('a user may not call it (403), an unknown id is 404, a malformed id or a query is 400: nothing changes', async () => {
    const bob = await t.login(USER);
    const carol = await t.login(CAROL);
    const before = await dump(t);
    const carolId = await userId('carol');
    expect((await t.request('DELETE', `/api/users/${carolId}/sessions`, { token: bob })).status).toBe(403);
    expect((await t.request('DELETE', `/api/users/${await userId('bob')}/sessions`, { token: bob })).status).toBe(403);
    expect((await t.request('DELETE', `/api/users/${carolId}/sessions`)).status).toBe(401);
    const unknown = await t.request('DELETE', `/api/users/${randomUUID()}/sessions`, { token: adminToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const malformed = await t.request('DELETE', '/api/users/not-an-id/sessions', { token: adminToken });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('id');
    expect((await t.request('DELETE', `/api/users/${carolId}/sessions?tokens=true`, { token: adminToken })).status).toBe(400);
    expect(await dump(t)).toEqual(before);
    expect(await meStatus(t, { token: bob })).toBe(200);
    expect(await meStatus(t, { token: carol })).toBe(200);
  });
});

describe('disabling a user and changing a password end sessions AND API tokens at once', () => {
  test('disabling: every session and token answers 401 on the next request, and stays ended after enabling again', async () => {
    const session = await loginWithCookie(t, CAROL);
    const pat = await newApiToken(session.token);
    for (const c of [{ token: session.token }, { cookie: session.cookie }, { token: pat }]) expect(await meStatus(t, c)).toBe(200);
    const id = await userId('carol');
    expect((await t.request('PATCH', `/api/users/${id}`, { token: adminToken, body: { disabled: true } })).status).toBe(200);
    for (const c of [{ token: session.token }, { cookie: session.cookie }, { token: pat }]) expect(await meStatus(t, c)).toBe(401);
    expect((await t.request('PATCH', `/api/users/${id}`, { token: adminToken, body: { disabled: false } })).status).toBe(200);
    // Ended, not suspended: the old credentials stay dead once the account is enabled again.
    for (const c of [{ token: session.token }, { cookie: session.cookie }, { token: pat }]) expect(await meStatus(t, c)).toBe(401);
    const [row] = await runSql<{ n: number }>(t.kernel.dataSource, 'SELECT COUNT(*) AS n FROM auth_api_tokens WHERE "userId" = ? AND "revokedAt" IS NULL', [id]);
    expect(Number(row.n)).toBe(0);
    expect(await meStatus(t, { token: await t.login(CAROL) })).toBe(200);
  });

  test('an admin setting a new password: the old sessions and tokens end; the new password signs in', async () => {
    const session = await loginWithCookie(t, CAROL);
    const pat = await newApiToken(session.token);
    for (const c of [{ token: session.token }, { cookie: session.cookie }, { token: pat }]) expect(await meStatus(t, c)).toBe(200);
    const id = await userId('carol');
    const newPassword = 'carol-second-password-1';
    expect((await t.request('PATCH', `/api/users/${id}`, { token: adminToken, body: { password: newPassword } })).status).toBe(200);
    for (const c of [{ token: session.token }, { cookie: session.cookie }, { token: pat }]) expect(await meStatus(t, c)).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { username: CAROL.username, password: CAROL.password } })).status).toBe(401);
    // Put the original password back for the other tests.
    expect((await t.request('PATCH', `/api/users/${id}`, { token: adminToken, body: { password: CAROL.password } })).status).toBe(200);
    expect(await meStatus(t, { token: await t.login(CAROL) })).toBe(200);
  });

  test('changing your own password: this session lives on; your other sessions and all your tokens end', async () => {
    const here = await t.login(CAROL);
    const elsewhere = await loginWithCookie(t, CAROL);
    const pat = await newApiToken(here);
    for (const c of [{ token: here }, { cookie: elsewhere.cookie }, { token: pat }]) expect(await meStatus(t, c)).toBe(200);
    const res = await t.request('POST', '/api/auth/me/password', { token: here, body: { currentPassword: CAROL.password, newPassword: 'carol-third-password-1' } });
    expect(res.status).toBe(204);
    expect(await meStatus(t, { token: here })).toBe(200);
    expect(await meStatus(t, { token: elsewhere.token })).toBe(401);
    expect(await meStatus(t, { cookie: elsewhere.cookie })).toBe(401);
    expect(await meStatus(t, { token: pat })).toBe(401);
    expect((await t.request('POST', '/api/auth/me/password', { token: here, body: { currentPassword: 'carol-third-password-1', newPassword: CAROL.password } })).status).toBe(204);
  });
});
