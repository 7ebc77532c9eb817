/**
 * Passkeys over HTTP with a software authenticator (real keys, real CBOR, real signatures,
 * verified by Tomo's @simplewebauthn/server): register, list, rename, delete, password-less
 * sign-in, and every refusal (unknown passkey, foreign or replayed challenge, wrong origin,
 * counter going back, someone else's passkey), throttling included.
 */
import { runSql } from '@tomo/kernel';
import { SessionEntity } from '../src/entities/session.entity';
import { authHooks } from '../src/hooks';
import { ADMIN, USER, countRows, startAuthKernel } from './support/auth-kernel';
import { sessionIdOf } from './support/sessions';
import { SoftAuthenticator } from './support/soft-authenticator';

const ORIGIN = 'http://localhost:18080';
type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;

let t: Kernel;
const events: string[] = [];
/**
 * Sessions signed in with the password before anyone had a passkey: once someone has one, a
 * password alone answers second_factor_required.
 */
const session = { admin: '', bob: '', carol: '', dave: '' };
const CAROL = { username: 'carol', email: 'carol@example.com', password: 'carol-password-1234' };
const DAVE = { username: 'dave', email: 'dave@example.com', password: 'dave-password-12345' };

beforeAll(async () => {
  t = await startAuthKernel({
    server: { publicUrl: ORIGIN },
    auth: { throttle: { perUsername: { attempts: 4, windowSeconds: 60 }, perClient: { attempts: 1000, windowSeconds: 60 } } },
  });
  const hooks = t.kernel.hooks.of(authHooks);
  hooks.passkeyAdded.tap('test', ({ name }) => void events.push(`added ${name}`));
  hooks.passkeyDeleted.tap('test', ({ name }) => void events.push(`deleted ${name}`));
  hooks.loggedIn.tap('test', ({ user, method }) => void events.push(`login ${user.username} ${method ?? 'password'}`));
  hooks.loginFailed.tap('test', ({ username, reason }) => void events.push(`failed ${username} ${reason}`));
  session.admin = await t.login(ADMIN);
  session.bob = await t.login(USER);
  for (const who of [CAROL, DAVE]) expect((await t.request('POST', '/api/users', { token: session.admin, body: { ...who, role: 'user' } })).status).toBe(201);
  session.carol = await t.login(CAROL);
  session.dave = await t.login(DAVE);
});
afterAll(() => t?.stop());

/** Registers a passkey for the holder of `token` through the two routes. */
async function register(token: string, name: string, authenticator = new SoftAuthenticator(ORIGIN)) {
  const options = await t.request('POST', '/api/auth/passkeys/register/options', { token });
  expect(options.status).toBe(200);
  const res = await t.request('POST', '/api/auth/passkeys/register', { token, body: { name, response: authenticator.register(options.body) } });
  return { res, authenticator, options: options.body };
}

async function loginOptions(body: Record<string, unknown> = {}) {
  const res = await t.request('POST', '/api/auth/passkeys/login/options', { body });
  expect(res.status).toBe(200);
  return res.body as { challenge: string; rpId: string; userVerification: string; allowCredentials?: unknown[] };
}

test('register: options bound to the public URL, the passkey stored and listed without any key', async () => {
  const token = session.bob;
  const { res, options } = await register(token, 'Laptop');
  expect(options).toMatchObject({ rp: { id: 'localhost', name: 'Tomo' }, user: { name: USER.username }, authenticatorSelection: { residentKey: 'required' }, attestation: 'none' });
  expect(res.status).toBe(201);
  expect(res.body).toEqual({ id: expect.any(String), name: 'Laptop', createdAt: expect.any(String), lastUsedAt: null, synced: false });
  const list = await t.request('GET', '/api/auth/passkeys', { token });
  expect(list.body.passkeys).toEqual([res.body]);
  expect(JSON.stringify(list.body)).not.toMatch(/publicKey|credentialId|counter/);
  expect(events).toContain('added Laptop');
  // Another user sees none of it.
  expect((await t.request('GET', '/api/auth/passkeys', { token: session.admin })).body.passkeys).toEqual([]);
});

test('register refuses an answer to no challenge, a replayed one, another origin, and a passkey already registered', async () => {
  const token = session.admin;
  const before = await countRows(t, 'auth_passkeys');
  const stranger = new SoftAuthenticator(ORIGIN);
  const forged = await t.request('POST', '/api/auth/passkeys/register', { token, body: { name: 'x', response: stranger.register({ challenge: 'bm90LWEtY2hhbGxlbmdl', user: { id: 'eA' } }) } });
  expect(forged.status).toBe(400);
  expect(forged.body.error).toMatchObject({ code: 'invalid_challenge', field: 'response' });

  const { res: first, authenticator, options } = await register(token, 'Key A');
  expect(first.status).toBe(201);
  const replay = await t.request('POST', '/api/auth/passkeys/register', { token, body: { name: 'Key A again', response: authenticator.register(options) } });
  expect(replay.status).toBe(400);
  expect(replay.body.error.code).toBe('invalid_challenge');

  const phishing = await t.request('POST', '/api/auth/passkeys/register/options', { token });
  const wrongOrigin = await t.request('POST', '/api/auth/passkeys/register', { token, body: { name: 'phish', response: new SoftAuthenticator(ORIGIN).register(phishing.body, { origin: 'https://evil.example' }) } });
  expect(wrongOrigin.status).toBe(400);
  expect(wrongOrigin.body.error).toMatchObject({ code: 'passkey_invalid', field: 'response' });

  // The same authenticator again: excluded by the options, and refused if answered anyway.
  const again = await t.request('POST', '/api/auth/passkeys/register/options', { token });
  expect(again.body.excludeCredentials).toEqual([expect.objectContaining({ id: authenticator.id })]);
  const twice = await t.request('POST', '/api/auth/passkeys/register', { token, body: { name: 'dup', response: authenticator.register(again.body) } });
  expect(twice.status).toBe(409);
  expect(await countRows(t, 'auth_passkeys')).toBe(before + 1);
});

test('a challenge of one user cannot register a passkey for another', async () => {
  const admin = session.admin;
  const bob = session.bob;
  const options = await t.request('POST', '/api/auth/passkeys/register/options', { token: admin });
  const res = await t.request('POST', '/api/auth/passkeys/register', { token: bob, body: { name: 'stolen', response: new SoftAuthenticator(ORIGIN).register(options.body) } });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_challenge');
});

test('bad input names the field and rule', async () => {
  const token = session.bob;
  const noName = await t.request('POST', '/api/auth/passkeys/register', { token, body: { name: '', response: {} } });
  expect(noName.status).toBe(400);
  expect(JSON.stringify(noName.body)).toMatch(/name/);
  const notB64 = await t.request('POST', '/api/auth/passkeys/login', { body: { response: { id: 'a b', rawId: 'x', type: 'public-key', response: { clientDataJSON: 'x', authenticatorData: 'x', signature: 'x' } } } });
  expect(notB64.status).toBe(400);
  expect(JSON.stringify(notB64.body)).toMatch(/response\.id.*base64url/);
});

test('password-less sign-in: a session like a password login, last use and counter recorded, a cookie for the console', async () => {
  const token = session.bob;
  const { res, authenticator } = await register(token, 'Phone');
  const options = await loginOptions();
  expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
  expect(options.allowCredentials ?? []).toEqual([]);
  const login = await t.request('POST', '/api/auth/passkeys/login', { body: { response: authenticator.assert(options) } });
  expect(login.status).toBe(200);
  expect(login.body).toMatchObject({ token: expect.any(String), expiresAt: expect.any(String), user: { username: USER.username } });
  expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
  const me = await t.request('GET', '/api/auth/me', { token: login.body.token });
  expect(me.body.username).toBe(USER.username);
  const listed = (await t.request('GET', '/api/auth/passkeys', { token })).body.passkeys.find((p: { id: string }) => p.id === res.body.id);
  expect(listed.lastUsedAt).not.toBeNull();
  const [row] = await runSql<{ counter: number }>(t.kernel.dataSource, 'SELECT counter FROM auth_passkeys WHERE id = ?', [res.body.id]);
  expect(row.counter).toBe(authenticator.counter);
  expect(events).toContain(`login ${USER.username} passkey`);
});

describe('sign-in refusals: one 401 passkey_not_accepted, nothing issued', () => {
  let authenticator: SoftAuthenticator;
  beforeAll(async () => {
    ({ authenticator } = await register(session.admin, 'Refusals'));
  });

  const refused = async (response: unknown) => {
    const sessions = await countRows(t, 'auth_sessions');
    const res = await t.request('POST', '/api/auth/passkeys/login', { body: { response } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('passkey_not_accepted');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await countRows(t, 'auth_sessions')).toBe(sessions);
    // A good sign-in in between, so these refusals do not reach the throttle's limit of 4.
    expect((await t.request('POST', '/api/auth/passkeys/login', { body: { response: authenticator.assert(await loginOptions()) } })).status).toBe(200);
  };

  test('an unknown passkey', async () => {
    await refused(new SoftAuthenticator(ORIGIN).assert(await loginOptions()));
  });

  test('a challenge Tomo never issued', async () => {
    await refused(authenticator.assert(await loginOptions(), { challenge: 'bm90LWlzc3VlZC1ieS10b21v' }));
  });

  test('a replayed answer (its challenge is spent)', async () => {
    const answer = authenticator.assert(await loginOptions());
    expect((await t.request('POST', '/api/auth/passkeys/login', { body: { response: answer } })).status).toBe(200);
    await refused(answer);
  });

  test('a registration challenge used to sign in', async () => {
    const options = await t.request('POST', '/api/auth/passkeys/register/options', { token: session.admin });
    await refused(authenticator.assert(options.body));
  });

  test('another origin (a phishing site relaying the prompt)', async () => {
    await refused(authenticator.assert(await loginOptions(), { origin: 'https://tomo.evil.example' }));
  });

  test('a counter that does not grow (a cloned authenticator)', async () => {
    await refused(authenticator.assert(await loginOptions(), { counter: 1 }));
  });

  test('no user verification on a password-less sign-in', async () => {
    await refused(authenticator.assert(await loginOptions(), { userVerified: false }));
  });

  test('a signature by another key', async () => {
    const options = await loginOptions();
    const forged = authenticator.assert(options);
    forged.response.signature = new SoftAuthenticator(ORIGIN).assert(options).response.signature;
    await refused(forged);
  });
});

test('refused passkey sign-ins count toward the throttle of the passkey owner (429, then a good one is refused too)', async () => {
  const token = session.bob;
  const { authenticator } = await register(token, 'Throttled');
  for (let i = 0; i < 4; i++) {
    const res = await t.request('POST', '/api/auth/passkeys/login', { body: { response: authenticator.assert(await loginOptions(), { origin: 'https://evil.example' }) } });
    expect(res.status).toBe(401);
  }
  const blocked = await t.request('POST', '/api/auth/passkeys/login', { body: { response: authenticator.assert(await loginOptions()) } });
  expect(blocked.status).toBe(429);
  // The password door is closed for that username too: one budget per account.
  expect((await t.request('POST', '/api/auth/login', { body: { username: USER.username, password: USER.password } })).status).toBe(429);
  expect(events).toContain(`failed ${USER.username} invalid_credentials`);
  expect(events).toContain(`failed ${USER.username} throttled`);
});

test('rename and delete: own passkeys only (404 for another user), delete needs a fresh sign-in, not an API token', async () => {
  const admin = session.admin;
  const { res, authenticator } = await register(admin, 'Old name');
  const id = res.body.id as string;
  const renamed = await t.request('PATCH', `/api/auth/passkeys/${id}`, { token: admin, body: { name: 'New name' } });
  expect(renamed.status).toBe(200);
  expect(renamed.body.name).toBe('New name');

  const other = session.carol;
  expect((await t.request('PATCH', `/api/auth/passkeys/${id}`, { token: other, body: { name: 'mine now' } })).status).toBe(404);
  expect((await t.request('DELETE', `/api/auth/passkeys/${id}`, { token: other })).status).toBe(404);

  const apiToken = (await t.request('POST', '/api/auth/tokens', { token: admin, body: { name: 'script' } })).body.token as string;
  const byToken = await t.request('DELETE', `/api/auth/passkeys/${id}`, { token: apiToken });
  expect(byToken.status).toBe(403);
  expect(byToken.body.error.code).toBe('fresh_sign_in_required');

  // A session older than 10 minutes: signed in with the passkey, then made to look 11 minutes old.
  const stale = (await t.request('POST', '/api/auth/passkeys/login', { body: { response: authenticator.assert(await loginOptions()) } })).body.token as string;
  await t.kernel.dataSource.getRepository(SessionEntity).update({ id: sessionIdOf(stale) }, { createdAt: new Date(Date.now() - 11 * 60000) });
  const late = await t.request('DELETE', `/api/auth/passkeys/${id}`, { token: stale });
  expect(late.status).toBe(403);
  expect(late.body.error.code).toBe('fresh_sign_in_required');

  expect((await t.request('DELETE', `/api/auth/passkeys/${id}`, { token: admin })).status).toBe(204);
  expect((await t.request('GET', '/api/auth/passkeys', { token: admin })).body.passkeys.map((p: { id: string }) => p.id)).not.toContain(id);
  expect(events).toContain('deleted New name');
});

describe('a passkey as the second factor after a password', () => {
  let key: SoftAuthenticator;
  beforeAll(async () => {
    // Dave has no passkey yet: his password alone signs him in.
    expect((await t.request('POST', '/api/auth/login', { body: { username: DAVE.username, password: DAVE.password } })).status).toBe(200);
    ({ authenticator: key } = await register(session.dave, 'Dave key'));
  });

  /** A password sign-in of Dave: now 401 second_factor_required; its challenge. */
  async function passwordStep(): Promise<string> {
    const res = await t.request('POST', '/api/auth/login', { body: { username: DAVE.username, password: DAVE.password } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'second_factor_required' }, methods: ['passkey'], challenge: expect.any(String) });
    expect(res.headers.get('set-cookie')).toBeNull();
    return res.body.challenge as string;
  }

  test("a password, then Dave's passkey against the challenge: signed in; the challenge is then spent", async () => {
    const challenge = await passwordStep();
    const options = await loginOptions({ challenge });
    expect(options.allowCredentials).toEqual([expect.objectContaining({ id: key.id, type: 'public-key' })]);
    expect(options.userVerification).toBe('preferred');
    // Presence is enough here: the password was the other factor.
    const res = await t.request('POST', '/api/auth/passkeys/login', { body: { response: key.assert(options, { userVerified: false }) } });
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe(DAVE.username);
    expect((await t.request('GET', '/api/auth/me', { token: res.body.token })).body.factors).toMatchObject({ passkeys: 1 });
    // Spent: neither new passkey options nor a TOTP code can use it again.
    const again = await t.request('POST', '/api/auth/passkeys/login/options', { body: { challenge } });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'invalid_challenge', field: 'challenge' });
    expect((await t.request('POST', '/api/auth/login/second-factor', { body: { challenge, code: '123456' } })).status).toBe(401);
  });

  test("someone else's passkey cannot finish Dave's password sign-in", async () => {
    const challenge = await passwordStep();
    const { authenticator: carolKey } = await register(session.carol, 'Carol key');
    const options = await loginOptions({ challenge });
    const res = await t.request('POST', '/api/auth/passkeys/login', { body: { response: carolKey.assert(options) } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('passkey_not_accepted');
    // Dave's own passkey still can, with a new prompt (each options call is its own, single-use challenge).
    expect((await t.request('POST', '/api/auth/passkeys/login', { body: { response: key.assert(await loginOptions({ challenge })) } })).status).toBe(200);
  });

  test('a made-up challenge gets no options', async () => {
    const res = await t.request('POST', '/api/auth/passkeys/login/options', { body: { challenge: 'not-a-challenge' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_challenge', field: 'challenge' });
  });
});
