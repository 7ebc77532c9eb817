import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import { changePasswordInput, loginInput, loginResultSchema, publicUserSchema, setupInput, userWithFactorsSchema } from '../schemas';
import type { AuthServices } from '../services/auth-services';
import { meAnswer } from './me-answer';
import { setSessionCookie } from './session-cookie';

/** Login, logout, first-run setup and the caller's own account. */
export function registerSessionRoutes(ctx: PluginContext, s: AuthServices): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/auth/setup',
    summary: 'Whether first-run setup is still needed (no admin exists yet)',
    access: 'public',
    response: z.object({ needsSetup: z.boolean() }),
    handler: async () => ({ needsSetup: await s.users.needsSetup() }),
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/setup',
    summary: "Create the first admin with the one-time setup code printed in Tomo's log",
    access: 'public',
    body: setupInput,
    successStatus: 201,
    response: z.object({ user: publicUserSchema }),
    handler: async ({ body }, call) => {
      await s.throttle.check(call.clientIp, '#setup');
      let user;
      try {
        user = await s.setup.completeSetup(body.setupCode, body, call);
      } catch (err) {
        if ((err as { code?: string }).code === 'invalid_setup_code') await s.throttle.recordFailure(call.clientIp, '#setup');
        throw err;
      }
      const session = await s.login.login(body.username, body.password, call);
      setSessionCookie(call, session.token, s.sessionTtlMs);
      return { user };
    },
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Log in; returns a session token (also set as an HttpOnly cookie for the console)',
    description:
      'For an account with a second factor, a right password answers 401 with error code second_factor_required, a `challenge` and the ' +
      '`methods` that can finish the login (totp, recovery, passkey), and issues nothing: send the challenge and a code to POST /api/auth/login/second-factor.',
    access: 'public',
    body: loginInput,
    response: loginResultSchema,
    handler: async ({ body }, call) => {
      const result = await s.login.login(body.username, body.password, call);
      setSessionCookie(call, result.token, s.sessionTtlMs);
      return result;
    },
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'End the current session',
    access: 'authenticated',
    handler: async (_input, call) => {
      await s.login.logout(call.principal, call);
      setSessionCookie(call, null, 0);
    },
  });

  ctx.http.route({
    method: 'GET',
    path: '/api/auth/session',
    summary: 'Who is signed in, if anyone: answers 200 either way (the console asks this on every fresh load; /api/auth/me answers 401 without a session)',
    access: 'public',
    response: z.object({
      authenticated: z.boolean(),
      user: publicUserSchema.nullable(),
      twoFactorEnrolmentRequired: z.boolean().optional().meta({ description: 'Signed in only: the two-factor policy covers this user and they have no second factor yet' }),
    }),
    handler: async (_input, call) => {
      if (!call.principal) return { authenticated: false, user: null };
      const user = await s.users.get(call.principal.id);
      return { authenticated: true, user, twoFactorEnrolmentRequired: s.login.enrolmentRequired(user, await s.factors.summary(user.id)) };
    },
  });

  ctx.http.route({
    method: 'GET',
    path: '/api/auth/me',
    summary: 'The logged-in user, with their second factors',
    access: 'authenticated',
    response: userWithFactorsSchema,
    handler: async (_input, call) => meAnswer(await s.users.get(call.principal.id), await s.factors.recentSummary(call.principal.id)),
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/me/password',
    summary: 'Change your own password (ends your other sessions and your API tokens)',
    access: 'authenticated',
    body: changePasswordInput,
    handler: async ({ body }, call) => {
      await s.users.changeOwnPassword(call.principal, body.currentPassword, body.newPassword, call);
    },
  });
}
