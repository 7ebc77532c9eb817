import { z } from 'zod';
import type { Context } from 'koa';
import { AppError, type PluginContext } from '@tomo/kernel';
import type { AuthServices } from '../services/auth-services';
import { setSessionCookie } from '../routes/session-cookie';
import { OidcRefusal, type OidcService } from './oidc-service';
import { PENDING_LOGIN_TTL_MS } from './pending-logins';

/** Carries the state from start to callback in this browser: a login started elsewhere is refused. */
export const STATE_COOKIE = 'tomo_oidc_state';
const COOKIE_PATH = '/api/auth/oidc';

/** This Tomo's own origin as the browser reached it (behind a trusted proxy: as the proxy says). */
const originOf = (ctx: Context): string => `${ctx.protocol}://${ctx.host}`;

function setStateCookie(ctx: Context, state: string | null): void {
  // Lax, not strict: the callback is a top-level navigation coming from the provider's site.
  ctx.cookies.set(STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: COOKIE_PATH, maxAge: state ? PENDING_LOGIN_TTL_MS : 0, overwrite: true });
}

/** Sends the browser back to the console's login page with the refusal's code (and nothing issued). */
function refuse(ctx: Context, err: unknown, log: PluginContext['logger']): void {
  const code = err instanceof OidcRefusal ? err.code : err instanceof AppError ? err.code : 'login_failed';
  log.warn({ code, reason: (err as Error).message }, 'Single sign-on refused');
  ctx.redirect(`/login?oidcError=${encodeURIComponent(code)}`);
}

const identitySchema = z.object({
  id: z.string(),
  provider: z.string(),
  issuer: z.string(),
  email: z.string().nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

/** Single sign-on: the providers for the login page, start and callback, and the caller's linked identities. */
export function registerOidcRoutes(ctx: PluginContext, s: AuthServices, oidc: OidcService, localLoginEnabled: boolean): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/auth/oidc/providers',
    summary: 'The single sign-on providers (ids and button names) and whether password login is on',
    access: 'public',
    response: z.object({ providers: z.array(z.object({ id: z.string(), displayName: z.string() })), localLogin: z.boolean() }),
    handler: () => ({ providers: oidc.list(), localLogin: localLoginEnabled }),
  });

  ctx.http.rawRoute({
    method: 'GET',
    path: '/api/auth/oidc/:provider/start',
    summary: 'Start a single sign-on: redirects to the provider (authorization code with PKCE, state and nonce)',
    access: 'public',
    handler: async (koa) => {
      try {
        const provider = String(koa.params.provider);
        const { url, state } = await oidc.start(provider, `${originOf(koa)}/api/auth/oidc/${provider}/callback`);
        setStateCookie(koa, state);
        koa.redirect(url);
      } catch (err) {
        refuse(koa, err, ctx.logger);
      }
    },
  });

  ctx.http.rawRoute({
    method: 'GET',
    path: '/api/auth/oidc/:provider/callback',
    summary: 'Where the provider sends the browser back: checks state, nonce and the ID token, then issues the session and opens the console',
    access: 'public',
    handler: async (koa, call) => {
      const bound = koa.cookies.get(STATE_COOKIE);
      setStateCookie(koa, null);
      try {
        const result = await oidc.callback(String(koa.params.provider), new URL(koa.originalUrl, originOf(koa)), bound, call);
        setSessionCookie(call, result.token, s.sessionTtlMs);
        koa.redirect(result.twoFactorEnrolmentRequired ? '/account' : '/');
      } catch (err) {
        refuse(koa, err, ctx.logger);
      }
    },
  });

  ctx.http.route({
    method: 'GET',
    path: '/api/auth/oidc/identities',
    summary: 'Your sign-in identities linked at OpenID providers',
    access: 'authenticated',
    response: z.object({ identities: z.array(identitySchema) }),
    handler: async (_input, call) => ({ identities: await oidc.listFor(call.principal.id) }),
  });

  ctx.http.route({
    method: 'DELETE',
    path: '/api/auth/oidc/identities/:id',
    summary: 'Unlink one of your OpenID identities (its next sign-in links or signs up anew, as the config allows)',
    access: 'authenticated',
    params: z.strictObject({ id: z.uuid('must be a linked identity id') }),
    handler: async ({ params }, call) => {
      await oidc.unlink(call.principal.id, params.id, call);
    },
  });
}
