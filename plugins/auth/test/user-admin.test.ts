import { ADMIN, USER, countRows, startAuthKernel } from './support/auth-kernel';

type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
let t: Kernel;
let adminToken: string;
let userToken: string;

beforeAll(async () => {
  t = await startAuthKernel();
  adminToken = await t.login(ADMIN);
  userToken = await t.login(USER);
});
afterAll(() => t.stop());

const newUser = (over: Record<string, unknown> = {}) => ({ username: 'carol', email: 'carol@example.com', password: 'carol-password-123', role: 'user', ...over });

test('an admin creates a user who can then log in; the list shows both without secrets', async () => {
  const created = await t.request('POST', '/api/users', { token: adminToken, body: newUser() });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ username: 'carol', role: 'user', disabled: false });
  expect(await t.login({ username: 'carol', password: 'carol-password-123' })).toEqual(expect.any(String));
  const list = await t.request('GET', '/api/users', { token: adminToken });
  expect(list.body.users.map((u: { username: string }) => u.username)).toEqual(['admin', 'bob', 'carol']);
  expect(JSON.stringify(list.body)).not.toMatch(/password/i);
});

test('a plain user cannot list or create users (403) and nothing is written', async () => {
  expect((await t.request('GET', '/api/users', { token: userToken })).status).toBe(403);
  const before = await countRows(t, 'auth_users');
  const res = await t.request('POST', '/api/users', { token: userToken, body: newUser({ username: 'mallory' }) });
  expect(res.status).toBe(403);
  expect(await countRows(t, 'auth_users')).toBe(before);
});

describe('bad user input: 400 naming the field, no row written', () => {
  test.each([
    ['control character in username', { username: 'eve\u0007x' }, 'username'],
    ['newline in username', { username: 'eve\nroot' }, 'username'],
    ['leading dash', { username: '-oProxyCommand' }, 'username'],
    ['too short', { username: 'ab' }, 'username'],
    ['bad email', { email: 'not-an-email' }, 'email'],
    ['short password', { password: 'short' }, 'password'],
    ['bad role', { role: 'root' }, 'role'],
    ['unknown field', { isAdmin: true }, 'isAdmin'],
    ['wrong type', { username: ['a', 'b'] }, 'username'],
  ])('%s', async (_name, over, field) => {
    const before = await countRows(t, 'auth_users');
    const res = await t.request('POST', '/api/users', { token: adminToken, body: newUser({ username: 'dave', ...over }) });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toContain(field);
    expect(await countRows(t, 'auth_users')).toBe(before);
  });

  test('a taken username (any case) is a 409 on the username field', async () => {
    const res = await t.request('POST', '/api/users', { token: adminToken, body: newUser({ username: 'BOB' }) });
    expect(res.status).toBe(409);
    expect(res.body.error.field).toBe('username');
  });

  test('a malformed id is a 400 on the id field; an unknown id a 404', async () => {
    expect((await t.request('GET', '/api/users/not-a-uuid', { token: adminToken })).body.error.field).toBe('id');
    expect((await t.request('GET', '/api/users/00000000-0000-4000-8000-000000000000', { token: adminToken })).status).toBe(404);
  });
});

test('disabling a user ends their sessions and API tokens at once; enabling lets them log in again', async () => {
  const created = await t.request('POST', '/api/users', { token: adminToken, body: newUser({ username: 'erin' }) });
  const erin = { username: 'erin', password: 'carol-password-123' };
  const session = await t.login(erin);
  const pat = (await t.request('POST', '/api/auth/tokens', { token: session, body: { name: 'script' } })).body.token;
  expect((await t.request('GET', '/api/auth/me', { token: pat })).status).toBe(200);

  const disabled = await t.request('PATCH', `/api/users/${created.body.id}`, { token: adminToken, body: { disabled: true } });
  expect(disabled.body.disabled).toBe(true);
  expect((await t.request('GET', '/api/auth/me', { token: session })).status).toBe(401);
  expect((await t.request('GET', '/api/auth/me', { token: pat })).status).toBe(401);
  expect((await t.request('POST', '/api/auth/login', { body: erin })).status).toBe(401);

  await t.request('PATCH', `/api/users/${created.body.id}`, { token: adminToken, body: { disabled: false } });
  expect(await t.login(erin)).toEqual(expect.any(String));
});

test('an admin resetting a password ends the old sessions; the new password works', async () => {
  const created = await t.request('POST', '/api/users', { token: adminToken, body: newUser({ username: 'frank' }) });
  const old = await t.login({ username: 'frank', password: 'carol-password-123' });
  const res = await t.request('PATCH', `/api/users/${created.body.id}`, { token: adminToken, body: { password: 'a-brand-new-password' } });
  expect(res.status).toBe(200);
  expect((await t.request('GET', '/api/auth/me', { token: old })).status).toBe(401);
  expect(await t.login({ username: 'frank', password: 'a-brand-new-password' })).toEqual(expect.any(String));
});

test('changing your own password checks the current one, keeps this session, ends the others and your tokens', async () => {
  const created = await t.request('POST', '/api/users', { token: adminToken, body: newUser({ username: 'grace' }) });
  expect(created.status).toBe(201);
  const me = await t.login({ username: 'grace', password: 'carol-password-123' });
  const other = await t.login({ username: 'grace', password: 'carol-password-123' });
  const pat = (await t.request('POST', '/api/auth/tokens', { token: me, body: { name: 'ci' } })).body.token;

  const wrong = await t.request('POST', '/api/auth/me/password', { token: me, body: { currentPassword: 'nope-nope-nope', newPassword: 'grace-new-password-1' } });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.field).toBe('currentPassword');

  const ok = await t.request('POST', '/api/auth/me/password', { token: me, body: { currentPassword: 'carol-password-123', newPassword: 'grace-new-password-1' } });
  expect(ok.status).toBe(204);
  expect((await t.request('GET', '/api/auth/me', { token: me })).status).toBe(200);
  expect((await t.request('GET', '/api/auth/me', { token: other })).status).toBe(401);
  expect((await t.request('GET', '/api/auth/me', { token: pat })).status).toBe(401);
});

test('the last active admin cannot be demoted, disabled or deleted, and nobody can delete or disable themself', async () => {
  const admin = (await t.request('GET', '/api/auth/me', { token: adminToken })).body;
  const self = await t.request('DELETE', `/api/users/${admin.id}`, { token: adminToken });
  expect(self.status).toBe(409);
  expect((await t.request('PATCH', `/api/users/${admin.id}`, { token: adminToken, body: { disabled: true } })).status).toBe(409);

  // A second admin tries to remove the first, who is then the last one.
  const second = await t.request('POST', '/api/users', { token: adminToken, body: newUser({ username: 'heidi', role: 'admin' }) });
  const heidi = await t.login({ username: 'heidi', password: 'carol-password-123' });
  await t.request('PATCH', `/api/users/${second.body.id}`, { token: adminToken, body: { role: 'user' } });
  // heidi's sessions ended with the role change; the first admin is now the only admin.
  expect((await t.request('GET', '/api/auth/me', { token: heidi })).status).toBe(401);
  const users = (await t.request('GET', '/api/users', { token: adminToken })).body.users;
  expect(users.filter((u: { role: string }) => u.role === 'admin')).toHaveLength(1);
});

test('deleting a user removes them, their sessions end, and the hook reports it', async () => {
  const created = await t.request('POST', '/api/users', { token: adminToken, body: newUser({ username: 'ivan' }) });
  const token = await t.login({ username: 'ivan', password: 'carol-password-123' });
  expect((await t.request('DELETE', `/api/users/${created.body.id}`, { token: adminToken })).status).toBe(204);
  expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(401);
  expect((await t.request('GET', `/api/users/${created.body.id}`, { token: adminToken })).status).toBe(404);
});
