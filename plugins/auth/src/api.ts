/**
 * The auth plugin's contract: what other plugins may import. Service interfaces and their plain
 * data types, the tokens to resolve them by, and the hook set the activity log taps. No class,
 * no entity: implementations live in `services/` and import `hooks.ts` / `tokens.ts`, never this
 * file, so there is no import circle between the contract and its implementation.
 */
export type { ApiTokensApi, CreatedApiToken, NewUser, PublicApiToken, PublicUser, UserChanges, UsersApi } from './users-api';
export { AuthTokens } from './tokens';
export { authHooks } from './hooks';
