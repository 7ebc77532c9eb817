/** A role decides what a user may do: admins manage users and every resource. */
export type Role = 'admin' | 'user';

/** A Tomo account as the API returns it. Dates are ISO 8601 strings. */
export interface User {
  id: string;
  username: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

/** The answer to `POST /api/auth/login`. The token is also set as an HttpOnly cookie; the console ignores it. */
export interface LoginResponse {
  token: string;
  expiresAt: string;
  user: User;
  /** The two-factor policy covers this user and they have no second factor yet: they should enrol now. */
  twoFactorEnrolmentRequired?: boolean;
}

/** A way to finish a login after the password (`methods` of a `second_factor_required` answer). */
export type SecondFactorMethod = 'totp' | 'recovery' | 'passkey';

/** A login waiting for its second factor: the server's challenge and the methods that can finish it. */
export interface SecondFactorChallenge {
  challenge: string;
  methods: SecondFactorMethod[];
}
