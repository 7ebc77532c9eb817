import jwt from 'jsonwebtoken';
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN, USER, countRows, startAuthKernel } from './support/auth-kernel';

type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
let t: Kernel;

beforeAll(async () => {
  t = await startAuthKernel();
});
afterAll(() => t.stop());

test('login returns a token, sets an HttpOnly SameSite=Strict cookie, and /me answers with the user (no hash)', async () => {
  const res = await t.request('POST', '/api/auth/login', { body: { username: ADMIN.username, password: ADMIN.password } });
  expect(res.status).toBe(200);
  expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
  expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|\$2b\$/);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/tomo_session=/);
  expect(cookie.toLowerCase()).toContain('httponly');
  expect(cookie.toLowerCase()).toContain('samesite=strict');
  const me = await t.request('GET', '/api/auth/me', { token: res.body.token });
  expect(me.status).toBe(200);
  expect(me.body.username).toBe('admin');
  expect(me.body.lastLoginAt).not.toBeNull();
});

test('usernames are case-insensitive at login', async () => {
  const res = await t.request('POST', '/api/auth/login', { body: { username: 'ADMIN', password: ADMIN.password } });
  expect(res.status).toBe(200);
});

test('the console cookie authenticates only together with the console header (CSRF guard)', async () => {
  const res = await t.request('POST', '/api/auth/login', { body: { username: USER.username, password: USER.password } });
  const cookie = `tomo_session=${res.body.token}`;
  expect((await t.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);
  const ok = await t.request('GET', '/api/auth/me', { headers: { cookie, 'x-requested-with': 'tomo-console' } });
  expect(ok.status).toBe(200);
});

test('/api/auth/session answers 200 signed in or not (the console asks it on every fresh load); /me stays 401 without a session', async () => {
  const nobody = await t.request('GET', '/api/auth/session');
  expect(nobody.status).toBe(200);
  expect(nobody.body).toEqual({ authenticated: false, user: null });
  expect((await t.request('GET', '/api/auth/me')).status).toBe(401);
  // A stale or forged credential is "nobody", not an error.
  expect((await t.request('GET', '/api/auth/session', { token: 'garbage' })).body).toEqual({ authenticated: false, user: null });
  const res = await t.request('POST', '/api/auth/login', { body: { username: USER.username, password: USER.password } });
  const cookie = `tomo_session=${res.body.token}`;
  // The cookie counts only with the console header, as everywhere.
  expect((await t.request('GET', '/api/auth/session', { headers: { cookie } })).body.authenticated).toBe(false);
  const signedIn = await t.request('GET', '/api/auth/session', { headers: { cookie, 'x-requested-with': 'tomo-console' } });
  expect(signedIn.status).toBe(200);
  expect(signedIn.body).toMatchObject({ authenticated: true, user: { username: USER.username, role: 'user' } });
  expect(JSON.stringify(signedIn.body)).not.toMatch(/passwordHash|\$2b\$/);
  await t.request('POST', '/api/auth/logout', { token: res.body.token });
  expect((await t.request('GET', '/api/auth/session', { headers: { cookie, 'x-requested-with': 'tomo-console' } })).body).toEqual({ authenticated: false, user: null });
});

test('logout revokes the session at once', async () => {
  const token = await t.login(USER);
  expect((await t.request('POST', '/api/auth/logout', { token })).status).toBe(204);
  const after = await t.request('GET', '/api/auth/me', { token });
  expect(after.status).toBe(401);
  expect(after.body.error.code).toBe('unauthorized');
});

test('unknown user and wrong password get the same answer', async () => {
  const unknown = await t.request('POST', '/api/auth/login', { body: { username: 'nobody-here', password: 'whatever-password' } });
  const wrong = await t.request('POST', '/api/auth/login', { body: { username: USER.username, password: 'not-the-password' } });
  expect(unknown.status).toBe(401);
  expect(wrong.status).toBe(401);
  expect(unknown.body).toEqual(wrong.body);
  expect(unknown.body.error).toEqual({ code: 'invalid_credentials', message: 'Invalid username or password' });
});

describe('forged tokens are refused with 401', () => {
  const secret = () => fs.readFileSync(path.join(t.dataDir, 'secrets', 'jwt-secret'), 'utf8');

  async function sessionClaims(): Promise<{ token: string; claims: jwt.JwtPayload }> {
    const token = await t.login(ADMIN);
    return { token, claims: jwt.decode(token) as jwt.JwtPayload };
  }

  test('the secret file is private (0600)', () => {
    expect(fs.statSync(path.join(t.dataDir, 'secrets', 'jwt-secret')).mode & 0o777).toBe(0o600);
  });

  test('alg: none', async () => {
    const { claims } = await sessionClaims();
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect((await t.request('GET', '/api/auth/me', { token: `${header}.${payload}.` })).status).toBe(401);
  });

  test('signed with another secret', async () => {
    const { claims } = await sessionClaims();
    const forged = jwt.sign(claims, 'not-the-secret-at-all-0123456789abcdef', { algorithm: 'HS256' });
    expect((await t.request('GET', '/api/auth/me', { token: forged })).status).toBe(401);
  });

  test('signed with the right secret but another algorithm (HS512)', async () => {
    const { claims } = await sessionClaims();
    const forged = jwt.sign(claims, Buffer.from(secret(), 'base64'), { algorithm: 'HS512' });
    expect((await t.request('GET', '/api/auth/me', { token: forged })).status).toBe(401);
  });

  test('expired', async () => {
    const { claims } = await sessionClaims();
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, Buffer.from(secret(), 'base64'), { algorithm: 'HS256' });
    expect((await t.request('GET', '/api/auth/me', { token: expired })).status).toBe(401);
  });

  test('tampered payload (another user id)', async () => {
    const { token } = await sessionClaims();
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
    expect((await t.request('GET', '/api/auth/me', { token: `${h}.${tampered}.${s}` })).status).toBe(401);
  });

  test('a validly signed token whose session record does not exist', async () => {
    const { claims } = await sessionClaims();
    const forged = jwt.sign({ ...claims, sid: '11111111-1111-4111-8111-111111111111' }, Buffer.from(secret(), 'base64'), { algorithm: 'HS256' });
    expect((await t.request('GET', '/api/auth/me', { token: forged })).status).toBe(401);
  });

  test('garbage and a malformed Authorization header', async () => {
    expect((await t.request('GET', '/api/auth/me', { token: 'garbage' })).status).toBe(401);
    expect((await t.request('GET', '/api/auth/me', { headers: { authorization: 'Basic YWRtaW46eA==' } })).status).toBe(401);
  });
});

describe('bad login input gets a 4xx naming the field and writes nothing', () => {
  test.each([
    ['malformed JSON', { rawBody: '{"username": "admin", ', headers: { 'content-type': 'application/json' } }, 400, 'body'],
    ['wrong type', { body: { username: 42, password: 'x' } }, 400, 'username'],
    ['unknown field', { body: { username: 'a', password: 'b', role: 'admin' } }, 400, 'role'],
    ['missing field', { body: { username: 'a' } }, 400, 'password'],
    ['not JSON', { rawBody: 'username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'content-type'],
  ])('%s', async (_name, req, status, field) => {
    const sessionsBefore = await countRows(t, 'auth_sessions');
    const res = await t.request('POST', '/api/auth/login', req as never);
    expect(res.status).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(await countRows(t, 'auth_sessions')).toBe(sessionsBefore);
  });

  test('a body over the limit is refused with 413', async () => {
    const res = await t.request('POST', '/api/auth/login', { body: { username: 'a', password: 'x'.repeat(2 * 1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});
