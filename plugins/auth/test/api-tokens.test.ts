import { runSql } from '@tomo/kernel';
import { storedData } from '../../../test-support/stored-data';
import { ADMIN, USER, startAuthKernel } from './support/auth-kernel';

type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
let t: Kernel;

beforeAll(async () => {
  t = await startAuthKernel();
});
afterAll(() => t.stop());

test('a token is shown once, listed without its secret, usable, and stored only as a hash', async () => {
  const session = await t.login(USER);
  const created = await t.request('POST', '/api/auth/tokens', { token: session, body: { name: 'backup script', expiresInDays: 30 } });
  expect(created.status).toBe(201);
  const pat: string = created.body.token;
  expect(pat).toMatch(/^tomo_pat_[A-Za-z0-9_-]{43}$/);
  expect(created.body.record).toMatchObject({ name: 'backup script', prefix: pat.slice(0, 15) });
  expect(created.body.record.expiresAt).not.toBeNull();

  const list = await t.request('GET', '/api/auth/tokens', { token: session });
  expect(list.body.tokens).toHaveLength(1);
  expect(JSON.stringify(list.body)).not.toContain(pat);

  const me = await t.request('GET', '/api/auth/me', { token: pat });
  expect(me.body.username).toBe(USER.username);

  const stored = await storedData(t);
  expect(stored).toContain(created.body.record.id);
  expect(stored).not.toContain(pat);
});

test('a revoked token is refused at once; revoking another user\'s token is a 404', async () => {
  const bob = await t.login(USER);
  const admin = await t.login(ADMIN);
  const { body } = await t.request('POST', '/api/auth/tokens', { token: bob, body: { name: 'short-lived' } });
  expect((await t.request('DELETE', `/api/auth/tokens/${body.record.id}`, { token: admin })).status).toBe(404);
  expect((await t.request('GET', '/api/auth/me', { token: body.token })).status).toBe(200);
  expect((await t.request('DELETE', `/api/auth/tokens/${body.record.id}`, { token: bob })).status).toBe(204);
  expect((await t.request('GET', '/api/auth/me', { token: body.token })).status).toBe(401);
  expect((await t.request('DELETE', `/api/auth/tokens/${body.record.id}`, { token: bob })).status).toBe(404);
});

test('an expired token is refused', async () => {
  const bob = await t.login(USER);
  const { body } = await t.request('POST', '/api/auth/tokens', { token: bob, body: { name: 'expiring', expiresInDays: 1 } });
  await runSql(t.kernel.dataSource, 'UPDATE auth_api_tokens SET "expiresAt" = ? WHERE id = ?', ['2000-01-01 00:00:00.000', body.record.id]);
  expect((await t.request('GET', '/api/auth/me', { token: body.token })).status).toBe(401);
  const list = await t.request('GET', '/api/auth/tokens', { token: bob });
  expect(list.body.tokens.map((x: { id: string }) => x.id)).not.toContain(body.record.id);
});

test('token input is validated: name required, no control characters, expiry 1-3650 days', async () => {
  const bob = await t.login(USER);
  for (const [body, field] of [
    [{ name: '' }, 'name'],
    [{ name: 'a\u0000b' }, 'name'],
    [{ name: 'ok', expiresInDays: 0 }, 'expiresInDays'],
    [{ name: 'ok', expiresInDays: 1.5 }, 'expiresInDays'],
    [{ name: 'ok', scopes: ['all'] }, 'scopes'],
  ] as const) {
    const res = await t.request('POST', '/api/auth/tokens', { token: bob, body });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  }
});
