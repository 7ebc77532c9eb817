import { z } from 'zod';
import { type PluginContext } from '@tomo/kernel';
import { factorsSchema, idParams, loginResultSchema, recoveryCodesSchema, secondFactorLoginInput, totpCodeInput, totpDisableInput } from '../schemas';
import type { AuthServices } from '../services/auth-services';
import { setSessionCookie } from './session-cookie';

/** The second step of a login, TOTP enrolment and recovery codes, and an admin's reset. */
export function registerTwoFactorRoutes(ctx: PluginContext, s: AuthServices): void {
  ctx.http.route({
    method: 'POST',
    path: '/api/auth/login/second-factor',
    summary: 'Finish a login that answered 401 second_factor_required: the challenge from that answer and a TOTP code or a recovery code',
    description:
      'The challenge is valid for 5 minutes, for one user, and is spent by the first correct code (5 wrong codes drop it). ' +
      'A TOTP code is accepted once; a recovery code once. Wrong codes count toward the login throttle. Answers as POST /api/auth/login does.',
    access: 'public',
    body: secondFactorLoginInput,
    response: loginResultSchema,
    handler: async ({ body }, call) => {
      const result = await s.login.loginWithSecondFactor(body.challenge, body.code, call);
      setSessionCookie(call, result.token, s.sessionTtlMs);
      return result;
    },
  });

  ctx.http.route({
    method: 'GET',
    path: '/api/auth/2fa',
    summary: 'Your second factors (TOTP on or off, passkeys, recovery codes left) and whether the two-factor policy asks you to enrol',
    access: 'authenticated',
    response: z.object({ factors: factorsSchema, twoFactorEnrolmentRequired: z.boolean(), policy: z.enum(['nobody', 'admins', 'everyone']) }),
    handler: async (_input, call) => {
      const user = await s.users.getEntity(call.principal.id);
      const factors = await s.factors.summary(user.id);
      return { factors, twoFactorEnrolmentRequired: s.login.enrolmentRequired(user, factors), policy: s.twoFactorPolicy };
    },
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/2fa/totp',
    summary: 'Start TOTP enrolment: a new secret, its otpauth:// URI and a QR code of it (the only time the secret is shown); confirm with a code to turn it on',
    access: 'authenticated',
    response: z.object({ secret: z.string(), otpauthUri: z.string(), qrDataUrl: z.string() }),
    handler: (_input, call) => s.totp.startEnrolment(call.principal.id),
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/2fa/totp/confirm',
    summary: 'Turn TOTP on with a code from the app just enrolled; answers the 10 recovery codes, shown this once',
    access: 'authenticated',
    body: totpCodeInput,
    response: recoveryCodesSchema,
    handler: async ({ body }, call) => ({ recoveryCodes: await s.totp.confirmEnrolment(call.principal.id, body.code, call) }),
  });

  ctx.http.route({
    method: 'DELETE',
    path: '/api/auth/2fa/totp',
    summary: 'Turn TOTP off (your recovery codes go with it): needs your password and a current code or a recovery code',
    access: 'authenticated',
    body: totpDisableInput,
    handler: async ({ body }, call) => {
      await s.totp.disable(call.principal.id, body.password, body.code, call);
    },
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/2fa/recovery-codes',
    summary: 'Make 10 new recovery codes (the old ones stop working): needs a current code; answers them this once',
    access: 'authenticated',
    body: totpCodeInput,
    response: recoveryCodesSchema,
    handler: async ({ body }, call) => ({ recoveryCodes: await s.totp.regenerateRecoveryCodes(call.principal.id, body.code, call) }),
  });

  ctx.http.route({
    method: 'DELETE',
    path: '/api/users/:id/2fa',
    summary: "Reset a user's second factor (TOTP and recovery codes) when they lost their device; they can enrol again (activity-logged)",
    access: 'admin',
    params: idParams,
    query: z.strictObject({}),
    handler: async ({ params }, call) => {
      await s.totp.resetByAdmin(params.id, call);
    },
  });
}
