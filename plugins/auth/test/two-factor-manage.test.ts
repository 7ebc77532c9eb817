import { ADMIN, USER, startAuthKernel } from './support/auth-kernel';
import { enrolTotp, freshCode, wrongCode } from './support/totp';

type Kernel = Awaited<ReturnType<typeof startAuthKernel>>;
const creds = (who: { username: string; password: string }) => ({ username: who.username, password: who.password });

describe('enrolment, recovery codes, turning off, an admin reset', () => {
  let t: Kernel;
  let adminToken: string;
  let userSecret: string;
  let userCodes: string[];
  beforeAll(async () => {
    t = await startAuthKernel();
  });
  afterAll(() => t.stop());

  test('confirming needs a started enrolment and the right code; a second enrolment while on is refused', async () => {
    const token = await t.login(ADMIN);
    adminToken = token;
    const early = await t.request('POST', '/api/auth/2fa/totp/confirm', { token, body: { code: '123456' } });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('no_enrolment');
    const start = await t.request('POST', '/api/auth/2fa/totp', { token });
    expect(start.status).toBe(200);
    expect(start.body.otpauthUri).toBe(`otpauth://totp/Tomo:${ADMIN.username}?secret=${start.body.secret}&issuer=Tomo`);
    expect(start.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const wrong = await t.request('POST', '/api/auth/2fa/totp/confirm', { token, body: { code: await wrongCode(start.body.secret) } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_code', field: 'code' });
    // Still off after a wrong code: the password alone signs in.
    expect((await t.request('GET', '/api/auth/2fa', { token })).body.factors.totp).toBe(false);
    const ok = await t.request('POST', '/api/auth/2fa/totp/confirm', { token, body: { code: await freshCode(start.body.secret) } });
    expect(ok.status).toBe(200);
    expect(ok.body.recoveryCodes).toHaveLength(10);
    expect((await t.request('POST', '/api/auth/2fa/totp', { token })).status).toBe(409);
    // The secret is never answered again.
    for (const url of ['/api/auth/2fa', '/api/auth/me', '/api/users', '/api/auth/session']) {
      const res = await t.request('GET', url, { token });
      expect(JSON.stringify(res.body)).not.toContain(start.body.secret);
    }
  });

  test('new recovery codes need a code and replace the old set', async () => {
    const userToken = await t.login(USER);
    const { secret, recoveryCodes } = await enrolTotp(t, userToken);
    expect((await t.request('POST', '/api/auth/2fa/recovery-codes', { token: userToken, body: { code: await wrongCode(secret) } })).status).toBe(400);
    const fresh = await t.request('POST', '/api/auth/2fa/recovery-codes', { token: userToken, body: { code: recoveryCodes[0] } });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect(fresh.body.recoveryCodes).not.toContain(recoveryCodes[1]);
    // An old code no longer finishes a login; a new one does.
    const challenge = async () => (await t.request('POST', '/api/auth/login', { body: creds(USER) })).body.challenge;
    expect((await t.request('POST', '/api/auth/login/second-factor', { body: { challenge: await challenge(), code: recoveryCodes[1] } })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login/second-factor', { body: { challenge: await challenge(), code: fresh.body.recoveryCodes[0] } })).status).toBe(200);
    userSecret = secret;
    userCodes = fresh.body.recoveryCodes;
  });

  test('turning off needs the password and a code; API tokens work throughout, without any code', async () => {
    const login = await t.request('POST', '/api/auth/login', { body: creds(USER) });
    const token = (await t.request('POST', '/api/auth/login/second-factor', { body: { challenge: login.body.challenge, code: userCodes[1] } })).body.token as string;
    const apiToken = (await t.request('POST', '/api/auth/tokens', { token, body: { name: 'script' } })).body.token as string;
    expect((await t.request('GET', '/api/auth/me', { token: apiToken })).status).toBe(200);
    const badPassword = await t.request('DELETE', '/api/auth/2fa/totp', { token, body: { password: 'not-the-password', code: userCodes[2] } });
    expect(badPassword.status).toBe(400);
    expect(badPassword.body.error).toMatchObject({ code: 'invalid_password', field: 'password' });
    const badCode = await t.request('DELETE', '/api/auth/2fa/totp', { token, body: { password: USER.password, code: await wrongCode(userSecret) } });
    expect(badCode.body.error).toMatchObject({ code: 'invalid_code', field: 'code' });
    const missing = await t.request('DELETE', '/api/auth/2fa/totp', { token, body: { password: USER.password } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('code');
    expect((await t.request('DELETE', '/api/auth/2fa/totp', { token, body: { password: USER.password, code: userCodes[2] } })).status).toBe(204);
    expect((await t.request('GET', '/api/auth/me', { token })).body.factors).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
    expect((await t.request('POST', '/api/auth/login', { body: creds(USER) })).status).toBe(200);
    expect((await t.request('GET', '/api/auth/me', { token: apiToken })).status).toBe(200);
  });

  test("an admin resets a user's second factor (a user may not): the password alone signs in again", async () => {
    const userToken = await t.login(USER);
    await enrolTotp(t, userToken);
    const userId = (await t.request('GET', '/api/auth/me', { token: userToken })).body.id as string;
    const adminId = (await t.request('GET', '/api/auth/me', { token: adminToken })).body.id as string;
    expect((await t.request('DELETE', `/api/users/${adminId}/2fa`, { token: userToken })).status).toBe(403);
    expect((await t.request('POST', '/api/auth/login', { body: creds(USER) })).body.error.code).toBe('second_factor_required');
    const listed = (await t.request('GET', '/api/users', { token: adminToken })).body.users as Array<{ username: string; factors: unknown }>;
    expect(listed.find((u) => u.username === USER.username)!.factors).toEqual({ totp: true, passkeys: 0, recoveryCodesLeft: 10 });
    expect((await t.request('DELETE', `/api/users/${userId}/2fa`, { token: adminToken })).status).toBe(204);
    expect((await t.request('POST', '/api/auth/login', { body: creds(USER) })).status).toBe(200);
    const after = (await t.request('GET', '/api/users', { token: adminToken })).body.users as Array<{ username: string; factors: unknown }>;
    expect(after.find((u) => u.username === USER.username)!.factors).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
    expect((await t.request('DELETE', '/api/users/00000000-0000-4000-8000-000000000000/2fa', { token: adminToken })).status).toBe(404);
  });

  test('/me remembers the factors between calls, yet shows each change at once: enrolment, a recovery code spent elsewhere, an admin reset', async () => {
    const userToken = await t.login(USER);
    const factors = async () => (await t.request('GET', '/api/auth/me', { token: userToken })).body.factors;
    expect(await factors()).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
    const { recoveryCodes } = await enrolTotp(t, userToken);
    expect(await factors()).toEqual({ totp: true, passkeys: 0, recoveryCodesLeft: 10 });
    const challenge = (await t.request('POST', '/api/auth/login', { body: creds(USER) })).body.challenge as string;
    expect((await t.request('POST', '/api/auth/login/second-factor', { body: { challenge, code: recoveryCodes[0] } })).status).toBe(200);
    expect(await factors()).toEqual({ totp: true, passkeys: 0, recoveryCodesLeft: 9 });
    const userId = (await t.request('GET', '/api/auth/me', { token: userToken })).body.id as string;
    expect((await t.request('DELETE', `/api/users/${userId}/2fa`, { token: adminToken })).status).toBe(204);
    expect(await factors()).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
  });
});

describe('the two-factor policy', () => {
  let t: Kernel;
  beforeAll(async () => {
    t = await startAuthKernel({ auth: { twoFactorRequired: 'admins' } });
  });
  afterAll(() => t.stop());

  test('an admin without a second factor is told to enrol (login, session, 2fa state); a user is not; after enrolling, no more', async () => {
    const admin = await t.request('POST', '/api/auth/login', { body: creds(ADMIN) });
    expect(admin.status).toBe(200);
    expect(admin.body.twoFactorEnrolmentRequired).toBe(true);
    const state = await t.request('GET', '/api/auth/2fa', { token: admin.body.token });
    expect(state.body).toMatchObject({ policy: 'admins', twoFactorEnrolmentRequired: true, factors: { totp: false } });
    expect((await t.request('GET', '/api/auth/session', { token: admin.body.token })).body.twoFactorEnrolmentRequired).toBe(true);
    const user = await t.request('POST', '/api/auth/login', { body: creds(USER) });
    expect(user.body.twoFactorEnrolmentRequired).toBe(false);
    await enrolTotp(t, admin.body.token);
    expect((await t.request('GET', '/api/auth/2fa', { token: admin.body.token })).body.twoFactorEnrolmentRequired).toBe(false);
  });

  test('a bad policy value stops start-up naming the key', async () => {
    await expect(startAuthKernel({ auth: { twoFactorRequired: 'sometimes' } })).rejects.toThrow(/twoFactorRequired/);
  });
});
