import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import { idParams, loginResultSchema } from '../schemas';
import { setSessionCookie } from './session-cookie';
import {
  passkeyLoginInput,
  passkeyLoginOptionsInput,
  publicPasskeySchema,
  registerPasskeyInput,
  renamePasskeyInput,
  webauthnOptionsSchema,
} from '../passkey-schemas';
import type { AuthServices } from '../services/auth-services';
import type { PasskeyService } from '../services/passkey-service';

/** Passkeys: the caller's own (register, list, rename, delete) and signing in with one. */
export function registerPasskeyRoutes(ctx: PluginContext, s: AuthServices, passkeys: PasskeyService): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/auth/passkeys',
    summary: 'Your passkeys (name and dates; never a key)',
    access: 'authenticated',
    response: z.object({ passkeys: z.array(publicPasskeySchema) }),
    handler: async (_input, call) => ({ passkeys: await passkeys.list(call.principal.id) }),
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/passkeys/register/options',
    summary: "Start adding a passkey: options for the browser's navigator.credentials.create() (the challenge is single use, 5 minutes)",
    access: 'authenticated',
    response: webauthnOptionsSchema,
    handler: async (_input, call) => (await passkeys.registrationOptions(call.principal)) as unknown as Record<string, unknown>,
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/passkeys/register',
    summary: "Finish adding a passkey: the browser's answer to the options and a name for it",
    access: 'authenticated',
    body: registerPasskeyInput,
    successStatus: 201,
    response: publicPasskeySchema,
    handler: ({ body }, call) => passkeys.register(call.principal, body.response, body.name, call),
  });

  ctx.http.route({
    method: 'PATCH',
    path: '/api/auth/passkeys/:id',
    summary: 'Rename one of your passkeys',
    access: 'authenticated',
    params: idParams,
    body: renamePasskeyInput,
    response: publicPasskeySchema,
    handler: ({ params, body }, call) => passkeys.rename(call.principal, params.id, body.name),
  });

  ctx.http.route({
    method: 'DELETE',
    path: '/api/auth/passkeys/:id',
    summary: 'Delete one of your passkeys; needs a sign-in from the last 10 minutes (403 fresh_sign_in_required otherwise, and for API tokens)',
    access: 'authenticated',
    params: idParams,
    handler: async ({ params }, call) => {
      await passkeys.remove(call.principal, params.id, call);
    },
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/passkeys/login/options',
    summary:
      "Start signing in with a passkey: options for navigator.credentials.get(). Without a body's challenge: password-less, any passkey of this site; with the challenge of a second_factor_required answer: that account's passkeys",
    access: 'public',
    body: passkeyLoginOptionsInput,
    response: webauthnOptionsSchema,
    handler: async ({ body }) => (await passkeys.loginOptions(body.challenge)) as unknown as Record<string, unknown>,
  });

  ctx.http.route({
    method: 'POST',
    path: '/api/auth/passkeys/login',
    summary: "Sign in with the browser's answer to the passkey options: the same answer as a password sign-in (a session token, also set as the console's cookie)",
    access: 'public',
    body: passkeyLoginInput,
    response: loginResultSchema,
    handler: async ({ body }, call) => {
      const result = await passkeys.login(body.response, call);
      setSessionCookie(call, result.token, s.sessionTtlMs);
      return result;
    },
  });
}
