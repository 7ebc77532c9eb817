import { z } from 'zod';

/** One OpenID provider in the `auth.oidc` list. */
export const oidcProviderSchema = z
  .strictObject({
    /** Names the provider in its routes (`/api/auth/oidc/<id>/callback`, the redirect URI to register) and in the vault record of its secret. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits and "-"'),
    /** The issuer URL, as the provider's discovery document names it (e.g. https://auth.example.com/application/o/tomo/). */
    issuer: z.url('must be a URL'),
    clientId: z.string().min(1, 'is required').max(512, 'is too long'),
    /** The client secret sealed by the vault for the record `auth.oidc.<id>`. Never returned or logged. */
    clientSecret: z.string().regex(/^v1\./, 'must be a value sealed by the vault (v1.…); or use clientSecretEnv / clientSecretFile').optional(),
    /** Name of an environment variable holding the client secret. */
    clientSecretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
    /** A file holding the client secret (e.g. a systemd credential). */
    clientSecretFile: z.string().min(1).optional(),
    /** The button's text: "Log in with <displayName>". */
    displayName: z.string().min(1).max(64).default('single sign-on'),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token')).default(['openid', 'email', 'profile']),
    /** Claim whose value(s) decide the role, e.g. `groups`; unset: every OIDC user is a `user`. */
    roleClaim: z.string().min(1).optional(),
    /** A `roleClaim` value (or one of its values) that makes the user an admin. */
    adminValues: z.array(z.string().min(1)).default([]),
    /** Create a `user` at the first login of someone Tomo does not know yet. */
    allowSignup: z.boolean().default(false),
    /** Link a first login to the existing user with the same email, when the provider says the email is verified. */
    linkByVerifiedEmail: z.boolean().default(true),
  })
  .refine((p) => [p.clientSecret, p.clientSecretEnv, p.clientSecretFile].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of clientSecret, clientSecretEnv, clientSecretFile',
    path: ['clientSecret'],
  });

export type OidcProviderConfig = z.output<typeof oidcProviderSchema>;

/** `auth.oidc`: the single sign-on providers, each with its own id. */
export const oidcConfigSchema = z
  .array(oidcProviderSchema)
  .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'two providers have the same id')
  .default([]);

/** `auth.localLogin`: password logins can be turned off for all but named break-glass accounts. */
export const localLoginSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Usernames that may still log in with a password when `enabled` is false. */
    breakGlassUsers: z.array(z.string().min(1)).default([]),
  })
  .prefault({});
