import { runSql } from '@tomo/kernel';
import { ADMIN, USER, countRows, startAuthKernel } from './support/auth-kernel';
import { freePort, signInThroughProvider, startOidcProvider } from './support/oidc-provider';

// Single sign-on against a real OpenID provider (oidc-provider, run by the test): the whole
// redirect dance through a cookie-keeping HTTP client, the identities it leaves, and refusals.
type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
let t: Kernel;
let provider: Awaited<ReturnType<typeof startOidcProvider>>;
const CLIENT_SECRET = 'oidc-client-secret-3f9a7c1e5b';
const SECRET_ENV = 'TOMO_TEST_OIDC_CLIENT_SECRET';

const accounts = {
  // First login creates her; the groups claim makes her an admin.
  carol: { email: 'carol@example.com', email_verified: true, preferred_username: 'carol', groups: ['staff', 'tomo-admins'] },
  dave: { email: 'dave@example.com', email_verified: true, preferred_username: 'dave', groups: ['staff'] },
  // Bob already has a password account: his verified email links the identity to it.
  'bob-at-idp': { email: USER.email, email_verified: true, preferred_username: 'robert', groups: [] },
  eve: { email: 'eve@example.com', email_verified: false, preferred_username: 'eve', groups: [] },
  frank: { email: 'frank@example.com', email_verified: true, preferred_username: 'frank', groups: [] },
};

beforeAll(async () => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  process.env[SECRET_ENV] = CLIENT_SECRET;
  const common = { issuer, clientId: 'tomo', clientSecretEnv: SECRET_ENV, scopes: ['openid', 'email', 'profile', 'groups'] };
  t = await startAuthKernel({
    auth: {
      oidc: [
        { ...common, id: 'idp', displayName: 'Test IdP', roleClaim: 'groups', adminValues: ['tomo-admins'], allowSignup: true },
        { ...common, id: 'closed', displayName: 'Closed IdP', allowSignup: false, linkByVerifiedEmail: false },
      ],
    },
  });
  provider = await startOidcProvider({
    port,
    clientId: 'tomo',
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${t.url}/api/auth/oidc/idp/callback`, `${t.url}/api/auth/oidc/closed/callback`],
    accounts,
  });
}, 60000);
afterAll(async () => {
  await t?.stop();
  await provider?.stop();
});

const me = (cookies: Map<string, string>) =>
  t.request('GET', '/api/auth/me', { headers: { cookie: `tomo_session=${cookies.get('tomo_session')}`, 'x-requested-with': 'tomo-console' } });
const userCount = () => countRows(t, 'auth_users');

test('the login page learns the providers by id and button name, and nothing else about them', async () => {
  const res = await t.request('GET', '/api/auth/oidc/providers');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ providers: [{ id: 'idp', displayName: 'Test IdP' }, { id: 'closed', displayName: 'Closed IdP' }], localLogin: true });
});

test('start redirects to the provider with PKCE (S256), state and nonce, and binds the state to the browser in a cookie', async () => {
  const res = await fetch(`${t.url}/api/auth/oidc/idp/start`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(location.origin).toBe(provider.issuer);
  expect(location.searchParams.get('code_challenge_method')).toBe('S256');
  expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  expect(location.searchParams.get('redirect_uri')).toBe(`${t.url}/api/auth/oidc/idp/callback`);
  expect(location.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
  const state = location.searchParams.get('state')!;
  expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^tomo_oidc_state=${state};.*samesite=lax; httponly`, 'i'));
  expect(res.headers.get('location')).not.toContain(CLIENT_SECRET);
});

test('first login creates a user named after preferred_username; the groups claim makes her an admin; a second login reuses her', async () => {
  const before = await userCount();
  const first = await signInThroughProvider(t.url, '/api/auth/oidc/idp/start', 'carol');
  expect(first.final.status).toBe(302);
  expect(first.final.location).toBe('/');
  expect(first.tomoCookies.get('tomo_session')).toEqual(expect.any(String));
  const who = await me(first.tomoCookies);
  expect(who.status).toBe(200);
  expect(who.body).toMatchObject({ username: 'carol', email: 'carol@example.com', role: 'admin' });
  expect(await userCount()).toBe(before + 1);
  const [identity] = await runSql(t.kernel.dataSource, 'SELECT * FROM auth_oidc_identities WHERE "userId" = ?', [who.body.id]);
  expect(identity).toMatchObject({ provider: 'idp', issuer: provider.issuer, subject: 'carol' });

  const again = await signInThroughProvider(t.url, '/api/auth/oidc/idp/start', 'carol');
  expect((await me(again.tomoCookies)).body.id).toBe(who.body.id);
  expect(await userCount()).toBe(before + 1);
});

test('without the admin value in the claim, a new sign-in is a plain user', async () => {
  const { tomoCookies } = await signInThroughProvider(t.url, '/api/auth/oidc/idp/start', 'dave');
  expect((await me(tomoCookies)).body).toMatchObject({ username: 'dave', role: 'user' });
});

test('an existing user is linked by verified email; the identity is listed to them and can be unlinked', async () => {
  const bobId = (await t.request('GET', '/api/auth/me', { token: await t.login(USER) })).body.id;
  const before = await userCount();
  const { tomoCookies } = await signInThroughProvider(t.url, '/api/auth/oidc/idp/start', 'bob-at-idp');
  const who = await me(tomoCookies);
  expect(who.body).toMatchObject({ id: bobId, username: USER.username, role: 'user' });
  expect(await userCount()).toBe(before);

  const token = await t.login(USER);
  const listed = await t.request('GET', '/api/auth/oidc/identities', { token });
  expect(listed.status).toBe(200);
  expect(listed.body.identities).toEqual([{ id: expect.any(String), provider: 'idp', issuer: provider.issuer, email: USER.email, createdAt: expect.any(String), lastLoginAt: expect.any(String) }]);
  // Someone else's identity is not theirs to unlink.
  const adminToken = await t.login(ADMIN);
  expect((await t.request('DELETE', `/api/auth/oidc/identities/${listed.body.identities[0].id}`, { token: adminToken })).status).toBe(404);
  expect((await t.request('DELETE', `/api/auth/oidc/identities/${listed.body.identities[0].id}`, { token })).status).toBe(204);
  expect((await t.request('GET', '/api/auth/oidc/identities', { token })).body.identities).toEqual([]);
});

/** A refused callback: back to the login page with the reason, no session cookie, no session row. */
async function expectRefused(run: Promise<Awaited<ReturnType<typeof signInThroughProvider>>>, code: string): Promise<void> {
  const sessionsBefore = await countRows(t, 'auth_sessions');
  const { final, tomoCookies } = await run;
  expect(final.url).toContain('/callback');
  expect(final.status).toBe(302);
  expect(final.location).toBe(`/login?oidcError=${code}`);
  expect(tomoCookies.has('tomo_session')).toBe(false);
  expect(final.setCookies.join('\n')).not.toContain('tomo_session=');
  expect(await countRows(t, 'auth_sessions')).toBe(sessionsBefore);
}

test('a tampered state is refused and nothing is issued', async () => {
  await expectRefused(
    signInThroughProvider(t.url, '/api/auth/oidc/idp/start', 'carol', { rewriteCallback: (url) => url.searchParams.set('state', `${url.searchParams.get('state')}x`) }),
    'invalid_state',
  );
});

test('a tampered nonce (changed on its way to the provider) is refused when the ID token comes back', async () => {
  await expectRefused(
    signInThroughProvider(t.url, '/api/auth/oidc/idp/start', 'carol', { rewriteAuthorization: (url) => url.searchParams.set('nonce', 'a-nonce-tomo-never-issued') }),
    'invalid_response',
  );
  expect(t.logs().some((l) => l.includes('Single sign-on refused') && l.includes('(claim nonce)'))).toBe(true);
});

test('a callback replayed with a spent state is refused', async () => {
  const first = await signInThroughProvider(t.url, '/api/auth/oidc/idp/start', 'dave');
  const callback = first.hops.find((h) => h.url.includes('/callback'))!;
  const state = new URL(callback.url).searchParams.get('state')!;
  const replay = await fetch(callback.url, { redirect: 'manual', headers: { cookie: `tomo_oidc_state=${state}` } });
  expect(replay.headers.get('location')).toBe('/login?oidcError=invalid_state');
  expect(replay.headers.getSetCookie().join('\n')).not.toContain('tomo_session=');
});

test('an unverified email is refused, and no user is created', async () => {
  const before = await userCount();
  await expectRefused(signInThroughProvider(t.url, '/api/auth/oidc/idp/start', 'eve'), 'email_not_verified');
  expect(await userCount()).toBe(before);
});

test('signup not allowed: an unknown person is refused, and no user is created', async () => {
  const before = await userCount();
  await expectRefused(signInThroughProvider(t.url, '/api/auth/oidc/closed/start', 'frank'), 'signup_not_allowed');
  expect(await userCount()).toBe(before);
});

test('an unknown provider id sends the browser back to the login page', async () => {
  const res = await fetch(`${t.url}/api/auth/oidc/nope/start`, { redirect: 'manual' });
  expect(res.headers.get('location')).toBe('/login?oidcError=unknown_provider');
});

test('the client secret is in no log line (the provider did receive it: logins worked)', () => {
  expect(t.logs().join('\n')).not.toContain(CLIENT_SECRET);
  expect(t.logs().some((l) => l.includes('Single sign-on refused'))).toBe(true);
});

describe('local login turned off', () => {
  let closed: Kernel;
  beforeAll(async () => {
    closed = await startAuthKernel({ auth: { localLogin: { enabled: false, breakGlassUsers: [ADMIN.username.toUpperCase()] } } });
  });
  afterAll(() => closed.stop());

  test('passwords are refused for everyone but the break-glass admin', async () => {
    const refused = await closed.request('POST', '/api/auth/login', { body: { username: USER.username, password: USER.password } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('local_login_disabled');
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await countRows(closed, 'auth_sessions')).toBe(0);
    const ok = await closed.request('POST', '/api/auth/login', { body: { username: ADMIN.username, password: ADMIN.password } });
    expect(ok.status).toBe(200);
    expect((await closed.request('GET', '/api/auth/oidc/providers')).body).toEqual({ providers: [], localLogin: false });
  });
});
