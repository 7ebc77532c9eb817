import { createServiceToken } from '@tomo/kernel';
import type { ApiTokensApi, UsersApi } from './users-api';

/** Service tokens the auth plugin exposes in the root container, typed with their contracts. */
export const AuthTokens = Object.freeze({
  UserService: createServiceToken<UsersApi>('auth.UserService'),
  ApiTokenService: createServiceToken<ApiTokensApi>('auth.ApiTokenService'),
});
