import { AsyncSeriesHook } from 'tapable';
import { defineHookSet, type CallContext } from '@tomo/kernel';
import type { PublicUser } from './schemas';

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
