import { z } from 'zod';
import { localLoginSchema, oidcConfigSchema } from './oidc/oidc-config';

const throttle = (attempts: number, windowSeconds: number) =>
  z
    .strictObject({
      /** Failed attempts allowed in the window before further attempts are refused. */
      attempts: z.number().int().min(1).max(10000).default(attempts),
      windowSeconds: z.number().int().min(1).max(86400).default(windowSeconds),
    })
    .prefault({});

const duration = (fallback: string) =>
  z
    .string()
    .regex(/^\d+[smhd]$/, `must be a number followed by s, m, h or d (e.g. ${fallback})`)
    .default(fallback);

/** The `auth:` section of the configuration. */
export const authConfigSchema = z
  .strictObject({
    /** Lifetime of a login session, e.g. `12h`, `30m`, `7d`: it ends then, however busy. */
    sessionTtl: duration('12h'),
    /**
     * A session unused this long ends, e.g. `1h` (any authenticated request is use). At least
     * `1m` (last use is written at most once a minute). Longer than `sessionTtl` is not refused
     * (a config that only shortens `sessionTtl` below the default must keep starting) but has no
     * effect: see {@link effectiveIdleTimeoutMs}.
     */
    sessionIdleTimeout: duration('1h'),
    /** bcrypt work factor; 12 or more. */
    bcryptCost: z.number().int().min(12).max(16).default(12),
    /**
     * Who must have a second factor (TOTP or a passkey): `nobody`, `admins` or `everyone`. A user
     * under the policy without one still logs in, and is then told to enrol (the login answer says
     * `twoFactorEnrolmentRequired: true`; the console opens the Account page).
     */
    twoFactorRequired: z.enum(['nobody', 'admins', 'everyone'], 'must be "nobody", "admins" or "everyone"').default('nobody'),
    /** OpenID Connect providers by id (see docs: single sign-on). */
    oidc: oidcConfigSchema,
    /** Password logins on or off; off keeps them for `breakGlassUsers` only. */
    localLogin: localLoginSchema,
    throttle: z
      .strictObject({
        perClient: throttle(30, 900),
        perUsername: throttle(10, 900),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (durationMs(config.sessionIdleTimeout) < 60000) {
      ctx.addIssue({ code: 'custom', path: ['sessionIdleTimeout'], message: 'must be at least 1m (last use is recorded about once a minute)' });
    }
  });

export type AuthConfig = z.output<typeof authConfigSchema>;

/** `12h` → milliseconds. */
export function durationMs(value: string): number {
  const n = Number(value.slice(0, -1));
  const unit = value.slice(-1);
  const factor = { s: 1000, m: 60000, h: 3600000, d: 86400000 }[unit as 's' | 'm' | 'h' | 'd'];
  return n * factor;
}

/**
 * The idle timeout in force: `sessionIdleTimeout`, capped at `sessionTtl` (a session ends at its
 * TTL however busy, so a longer idle limit could never apply). `capped` says the cap applied, for
 * a warning at start that names both keys.
 */
export function effectiveIdleTimeoutMs(config: Pick<AuthConfig, 'sessionTtl' | 'sessionIdleTimeout'>): { ms: number; capped: boolean } {
  const idle = durationMs(config.sessionIdleTimeout);
  const ttl = durationMs(config.sessionTtl);
  return idle > ttl ? { ms: ttl, capped: true } : { ms: idle, capped: false };
}
