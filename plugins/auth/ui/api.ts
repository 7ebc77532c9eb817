/** The auth plugin's HTTP API as the panels use it. Every call rejects with the kit's `ApiError`. */
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import { api, type Role, type User } from '@tomo/ui-shell/kit';

/** An API token as listed; the secret itself is shown only once, at creation. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  /** The first characters of the token, to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** What `POST /api/auth/tokens` answers. */
export interface CreatedToken {
  /** The full secret (`tomo_pat_…`). Never stored by the console; shown once. */
  token: string;
  record: ApiTokenRecord;
}

/** Fields for a new user. */
export interface NewUser {
  username: string;
  email: string;
  password: string;
  role: Role;
}

/** Fields an admin may change on a user. */
export interface UserChanges {
  email?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
}

/** A sign-in identity at an OpenID provider linked to the signed-in user (the provider's subject is not shown). */
export interface LinkedIdentity {
  id: string;
  /** The configured provider id (auth.oidc.<provider>). */
  provider: string;
  issuer: string;
  email: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

/** A passkey as listed (never its key). */
export interface PasskeyRecord {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Synced by a password manager or platform account rather than bound to one device. */
  synced: boolean;
}

/** Which second factors a user has (never a secret). */
export interface Factors {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

/** A user as the Users page lists them: with their second factors. */
export type UserWithFactors = User & { factors: Factors };

/** The caller's two-factor state (`GET /api/auth/2fa`). */
export interface TwoFactorState {
  factors: Factors;
  /** The policy covers this user and they have no second factor yet. */
  twoFactorEnrolmentRequired: boolean;
  policy: 'nobody' | 'admins' | 'everyone';
}

/** The start of a TOTP enrolment: the only time the secret is shown. */
export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  /** The URI as a QR code image (`data:image/png;base64,…`). */
  qrDataUrl: string;
}

const enc = encodeURIComponent;

export const authApi = {
  listUsers: async (): Promise<UserWithFactors[]> => (await api.get<{ users: UserWithFactors[] }>('/api/users')).users,
  /** Removes a user's TOTP and recovery codes (they lost their device); activity-logged. */
  resetTwoFactor: (id: string): Promise<void> => api.del(`/api/users/${enc(id)}/2fa`),
  twoFactorState: (): Promise<TwoFactorState> => api.get<TwoFactorState>('/api/auth/2fa'),
  startTotp: (): Promise<TotpEnrolment> => api.post<TotpEnrolment>('/api/auth/2fa/totp'),
  confirmTotp: async (code: string): Promise<string[]> => (await api.post<{ recoveryCodes: string[] }>('/api/auth/2fa/totp/confirm', { code })).recoveryCodes,
  disableTotp: (password: string, code: string): Promise<void> => api.del('/api/auth/2fa/totp', undefined, { password, code }),
  regenerateRecoveryCodes: async (code: string): Promise<string[]> => (await api.post<{ recoveryCodes: string[] }>('/api/auth/2fa/recovery-codes', { code })).recoveryCodes,
  createUser: (user: NewUser): Promise<User> => api.post<User>('/api/users', user),
  updateUser: (id: string, changes: UserChanges): Promise<User> => api.patch<User>(`/api/users/${enc(id)}`, changes),
  deleteUser: (id: string): Promise<void> => api.del(`/api/users/${enc(id)}`),
  /** Ends every session of a user (console, API and MCP sign-ins); their API tokens are kept. */
  signOutEverywhere: (id: string): Promise<void> => api.del(`/api/users/${enc(id)}/sessions`),
  listTokens: async (): Promise<ApiTokenRecord[]> => (await api.get<{ tokens: ApiTokenRecord[] }>('/api/auth/tokens')).tokens,
  createToken: (name: string, expiresInDays?: number): Promise<CreatedToken> =>
    api.post<CreatedToken>('/api/auth/tokens', expiresInDays === undefined ? { name } : { name, expiresInDays }),
  revokeToken: (id: string): Promise<void> => api.del(`/api/auth/tokens/${enc(id)}`),
  listPasskeys: async (): Promise<PasskeyRecord[]> => (await api.get<{ passkeys: PasskeyRecord[] }>('/api/auth/passkeys')).passkeys,
  /** Options for the browser's passkey prompt (a single-use challenge). */
  passkeyRegistrationOptions: (): Promise<PublicKeyCredentialCreationOptionsJSON> =>
    api.post<PublicKeyCredentialCreationOptionsJSON>('/api/auth/passkeys/register/options', undefined),
  registerPasskey: (name: string, response: RegistrationResponseJSON): Promise<PasskeyRecord> =>
    api.post<PasskeyRecord>('/api/auth/passkeys/register', { name, response }),
  /** Needs a sign-in from the last 10 minutes (403 fresh_sign_in_required otherwise). */
  deletePasskey: (id: string): Promise<void> => api.del(`/api/auth/passkeys/${enc(id)}`),
  listLinkedIdentities: async (): Promise<LinkedIdentity[]> => (await api.get<{ identities: LinkedIdentity[] }>('/api/auth/oidc/identities')).identities,
  unlinkIdentity: (id: string): Promise<void> => api.del(`/api/auth/oidc/identities/${enc(id)}`),
  changePassword: (currentPassword: string, newPassword: string): Promise<void> =>
    api.post<void>('/api/auth/me/password', { currentPassword, newPassword }),
};
