/**
 * What other plugins may use from the auth plugin: its services (by token) and its hooks.
 * The activity log taps these hooks; the backup plugin reads users through UserService.
 */
import { AsyncSeriesHook } from 'tapable';
import { createServiceToken, defineHookSet, type CallContext } from '@tomo/kernel';
import type { PublicUser } from './schemas';
import type { UserService } from './services/user-service';
import type { ApiTokenService } from './services/api-token-service';

export type { PublicUser, PublicApiToken } from './schemas';
export type { UserService } from './services/user-service';
export type { ApiTokenService } from './services/api-token-service';

/** Service tokens the auth plugin exposes in the root container. */
export const AuthTokens = Object.freeze({
  UserService: createServiceToken<UserService>('auth.UserService'),
  ApiTokenService: createServiceToken<ApiTokenService>('auth.ApiTokenService'),
});

/** Events of the auth plugin. Each carries the call (who, which door) and never a secret. */
export const authHooks = defineHookSet('auth', () => ({
  /** A login succeeded. */
  loggedIn: new AsyncSeriesHook<[{ user: PublicUser; call: CallContext }]>(['event']),
  /** A login failed (unknown user, wrong password, disabled, throttled). `username` is as typed. */
  loginFailed: new AsyncSeriesHook<[{ username: string; reason: 'invalid_credentials' | 'throttled'; call: CallContext }]>(['event']),
  /** A session was ended by its owner. */
  loggedOut: new AsyncSeriesHook<[{ userId: string; call: CallContext }]>(['event']),
  /**
   * An admin signed a user out everywhere: `sessions` of theirs ended (API tokens are kept; disabling
   * the user or changing their password ends those too).
   */
  sessionsRevoked: new AsyncSeriesHook<[{ user: PublicUser; sessions: number; call: CallContext }]>(['event']),
  userCreated: new AsyncSeriesHook<[{ user: PublicUser; call: CallContext }]>(['event']),
  /** `changes` lists the field names that changed (never their secret values). */
  userUpdated: new AsyncSeriesHook<[{ user: PublicUser; changes: string[]; call: CallContext }]>(['event']),
  userDeleted: new AsyncSeriesHook<[{ user: PublicUser; call: CallContext }]>(['event']),
  apiTokenCreated: new AsyncSeriesHook<[{ userId: string; tokenId: string; name: string; call: CallContext }]>(['event']),
  apiTokenRevoked: new AsyncSeriesHook<[{ userId: string; tokenId: string; call: CallContext }]>(['event']),
}));
