import { AsyncSeriesHook } from 'tapable';
import { defineHookSet, type CallContext } from '@tomo/kernel';
import type { PublicUser } from './schemas';

/** What happened to a user's second factor (see `twoFactorChanged`). */
export type TwoFactorChange = 'totp_enabled' | 'totp_disabled' | 'recovery_codes_regenerated' | 'reset_by_admin';

/** Events of the auth plugin. Each carries the call (who, which door) and never a secret. */
export const authHooks = defineHookSet('auth', () => ({
  /** A login succeeded; `method` says with what when it was not the password alone. */
  loggedIn: new AsyncSeriesHook<[{ user: PublicUser; call: CallContext; method?: 'passkey' | 'oidc' }]>(['event']),
  /**
   * A login failed (unknown user, wrong password, disabled, throttled, or a wrong second factor after
   * the right password). `username` is as typed (the account's name for a second-factor failure).
   */
  loginFailed: new AsyncSeriesHook<[{ username: string; reason: 'invalid_credentials' | 'throttled' | 'invalid_second_factor'; call: CallContext }]>(['event']),
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
  /**
   * A user's second factor changed: TOTP turned on or off by its owner, recovery codes made anew,
   * or an admin reset it (`call.principal` is the admin then). Never carries a secret or a code.
   */
  twoFactorChanged: new AsyncSeriesHook<[{ user: PublicUser; change: TwoFactorChange; call: CallContext }]>(['event']),
  apiTokenRevoked: new AsyncSeriesHook<[{ userId: string; tokenId: string; call: CallContext }]>(['event']),
  /** A user added a passkey (its id and the name they gave it). */
  passkeyAdded: new AsyncSeriesHook<[{ userId: string; passkeyId: string; name: string; call: CallContext }]>(['event']),
  /** A sign-in identity at an OpenID provider was linked to a user (`created`: the user was made for it). */
  oidcLinked: new AsyncSeriesHook<[{ user: PublicUser; provider: string; created: boolean; call: CallContext }]>(['event']),
  /** A user unlinked one of their OpenID identities. */
  oidcUnlinked: new AsyncSeriesHook<[{ user: PublicUser; provider: string; call: CallContext }]>(['event']),
  passkeyDeleted: new AsyncSeriesHook<[{ userId: string; passkeyId: string; name: string; call: CallContext }]>(['event']),
}));
