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
}
