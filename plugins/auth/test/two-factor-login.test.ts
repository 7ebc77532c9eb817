import { runSql } from '@tomo/kernel';
import { ADMIN, USER, countRows, startAuthKernel } from './support/auth-kernel';
import { enrolTotp, freshCode, wrongCode } from './support/totp';

type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
let t: Kernel;
let secret: string;
let recoveryCodes: string[];

beforeAll(async () => {
  t = await startAuthKernel({ auth: { throttle: { perUsername: { attempts: 6, windowSeconds: 60 }, perClient: { attempts: 1000, windowSeconds: 60 } } } });
  ({ secret, recoveryCodes } = await enrolTotp(t, await t.login(USER)));
});
afterAll(() => t.stop());

const passwordLogin = () => t.request('POST', '/api/auth/login', { body: { username: USER.username, password: USER.password } });
const secondFactor = (challenge: string, code: string) => t.request('POST', '/api/auth/login/second-factor', { body: { challenge, code } });

test('enrolment answers the secret, its otpauth URI and a QR code once, and 10 recovery codes on confirmation', async () => {
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);
  for (const code of recoveryCodes) expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  // Only hashes are stored, and the secret is sealed.
  const [row] = await runSql<{ totpSecret: string | null; totpPendingSecret: string | null }>(t.kernel.dataSource, 'SELECT "totpSecret", "totpPendingSecret" FROM auth_users WHERE "usernameKey" = ?', [USER.username]);
  expect(row.totpSecret).toMatch(/^v1\./);
  expect(row.totpSecret).not.toContain(secret);
  expect(row.totpPendingSecret).toBeNull();
  const stored = JSON.stringify(await t.kernel.dataSource.query('SELECT * FROM auth_recovery_codes'));
  for (const code of recoveryCodes) expect(stored).not.toContain(code.replace(/-/g, ''));
});

test('password only: 401 second_factor_required with a challenge and the methods; no cookie, no token, no session', async () => {
  const sessionsBefore = await countRows(t, 'auth_sessions');
  const res = await passwordLogin();
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('second_factor_required');
  expect(res.body.challenge).toEqual(expect.any(String));
  expect(res.body.methods).toEqual(['totp', 'recovery']);
  expect(res.body.token).toBeUndefined();
  expect(res.headers.get('set-cookie')).toBeNull();
  expect(await countRows(t, 'auth_sessions')).toBe(sessionsBefore);
  expect(JSON.stringify(res.body)).not.toContain(secret);
});

test('a wrong password still answers invalid_credentials (no challenge)', async () => {
  const res = await t.request('POST', '/api/auth/login', { body: { username: USER.username, password: 'wrong-password-x' } });
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error: { code: 'invalid_credentials', message: 'Invalid username or password' } });
});

test('password + current code → a session (cookie and token); the challenge is then spent and the code cannot be reused', async () => {
  const { body } = await passwordLogin();
  const code = await freshCode(secret);
  const ok = await secondFactor(body.challenge, code);
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ token: expect.any(String), user: { username: USER.username }, twoFactorEnrolmentRequired: false });
  expect(ok.headers.get('set-cookie')).toMatch(/tomo_session=/);
  expect((await t.request('GET', '/api/auth/me', { token: ok.body.token })).body.factors).toEqual({ totp: true, passkeys: 0, recoveryCodesLeft: 10 });

  // The challenge is single-use.
  const again = await secondFactor(body.challenge, recoveryCodes[9]);
  expect(again.status).toBe(401);
  expect(again.body.error.code).toBe('invalid_challenge');

  // The same code with a new challenge is refused: a code works once.
  const fresh = await passwordLogin();
  const reused = await secondFactor(fresh.body.challenge, code);
  expect(reused.status).toBe(401);
  expect(reused.body.error).toMatchObject({ code: 'invalid_second_factor', field: 'code' });
  expect(reused.headers.get('set-cookie')).toBeNull();
});

test('a recovery code works once, and then counts as spent', async () => {
  const first = await passwordLogin();
  const ok = await secondFactor(first.body.challenge, recoveryCodes[0].toLowerCase());
  expect(ok.status).toBe(200);
  expect((await t.request('GET', '/api/auth/me', { token: ok.body.token })).body.factors.recoveryCodesLeft).toBe(9);
  const second = await passwordLogin();
  const spent = await secondFactor(second.body.challenge, recoveryCodes[0]);
  expect(spent.status).toBe(401);
  expect(spent.body.error.code).toBe('invalid_second_factor');
});

test('bad input names the field and the rule', async () => {
  const res = await secondFactor('x', 'not a code!');
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'code' });
  const missing = await t.request('POST', '/api/auth/login/second-factor', { body: { code: '123456' } });
  expect(missing.status).toBe(400);
  expect(missing.body.error.field).toBe('challenge');
});

test('an unknown challenge is refused', async () => {
  const res = await secondFactor('no-such-challenge', '123456');
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('invalid_challenge');
});

test('wrong codes are throttled per username (429), and a right password does not reset the count', async () => {
  // A full login first clears the username's count (earlier tests left failures on it); the budget is 6.
  const reset = await passwordLogin();
  expect((await secondFactor(reset.body.challenge, recoveryCodes[1])).status).toBe(200);
  const { body } = await passwordLogin();
  const wrong = await wrongCode(secret);
  const statuses: number[] = [];
  let challenge = body.challenge;
  for (let i = 0; i < 6; i++) {
    // Halfway, the right password again: it must not clear the failures counted so far.
    if (i === 4) challenge = (await passwordLogin()).body.challenge;
    statuses.push((await secondFactor(challenge, wrong)).status);
  }
  expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
  // Even the right code is refused now (the first challenge is still live: 4 wrong codes of 5).
  const blocked = await secondFactor(body.challenge, await freshCode(secret));
  expect(blocked.status).toBe(429);
  expect(blocked.body.error.code).toBe('too_many_requests');
  expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  // The password step is throttled too now.
  expect((await passwordLogin()).status).toBe(429);
});

test('a challenge is dropped after 5 wrong codes', async () => {
  const t2 = await startAuthKernel();
  try {
    const { secret: s2 } = await enrolTotp(t2, await t2.login(ADMIN));
    const { body } = await t2.request('POST', '/api/auth/login', { body: { username: ADMIN.username, password: ADMIN.password } });
    const wrong = await wrongCode(s2);
    for (let i = 0; i < 5; i++) expect((await t2.request('POST', '/api/auth/login/second-factor', { body: { challenge: body.challenge, code: wrong } })).body.error.code).toBe('invalid_second_factor');
    const after = await t2.request('POST', '/api/auth/login/second-factor', { body: { challenge: body.challenge, code: await freshCode(s2) } });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_challenge');
  } finally {
    await t2.stop();
  }
});

test('another user without two-factor logs in with the password alone, as before', async () => {
  const res = await t.request('POST', '/api/auth/login', { body: { username: ADMIN.username, password: ADMIN.password } });
  expect(res.status).toBe(200);
  expect(res.body.twoFactorEnrolmentRequired).toBe(false);
});
