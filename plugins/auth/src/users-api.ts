/**
 * The auth plugin's services as other plugins see them: plain data in, plain data out. The
 * implementing classes live in `services/`; no entity or password hash crosses this line.
 */
import type { CallContext, Principal } from '@tomo/kernel';
import type { PublicApiToken, PublicUser } from './schemas';

export type { PublicUser, PublicApiToken } from './schemas';

/** Input to create a user (already validated by `createUserInput`). */
export interface NewUser {
  username: string;
  email: string;
  password: string;
  role: 'admin' | 'user';
}

/** Fields an admin may change. */
export interface UserChanges {
  email?: string;
  role?: 'admin' | 'user';
  disabled?: boolean;
  password?: string;
}

/** Users, by id or name. Admin-only operations are enforced by the routes and tools, not here. */
export interface UsersApi {
  /** One user; a 404 `AppError` when there is none. */
  get(id: string): Promise<PublicUser>;
  /** Every user, oldest first. */
  list(): Promise<PublicUser[]>;
  /** The user with this name (case-insensitive), or null. */
  findByUsername(username: string): Promise<PublicUser | null>;
  /** Creates a user (409 naming `username` when it is taken) and emits `authHooks.userCreated`. */
  create(input: NewUser, call: CallContext): Promise<PublicUser>;
}

/** A personal API token just created: `token` is the secret, shown this once and never again. */
export interface CreatedApiToken {
  token: string;
  record: PublicApiToken;
}

/** Personal API tokens of the calling user. */
export interface ApiTokensApi {
  create(principal: Principal, input: { name: string; expiresInDays?: number }, call?: CallContext): Promise<CreatedApiToken>;
  /** The caller's tokens that are still usable. */
  list(principal: Principal): Promise<PublicApiToken[]>;
  /** Revokes one of the caller's tokens; another user's token id is a 404. */
  revoke(principal: Principal, tokenId: string): Promise<void>;
}
