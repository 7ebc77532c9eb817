import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from './api';
import { ApiError } from './http';
import type { LoginResponse, SecondFactorChallenge, User } from './types';

/**
 * Who is signed in. The session itself is an HttpOnly cookie the console cannot read; this store
 * only mirrors the user the server reports for it.
 *
 * @example
 * const session = useSession();
 * if (session.isAdmin) { ... }
 */
export const useSession = defineStore('tomo.session', () => {
  /** The signed-in user, or null. */
  const user = ref<User | null>(null);
  /** True once the server has been asked whether a session exists. */
  const checked = ref(false);
  /** The two-factor policy asks the signed-in user to enrol a second factor (the console sends them to Account). */
  const twoFactorEnrolmentRequired = ref(false);
  const isAuthenticated = computed(() => user.value !== null);
  const isAdmin = computed(() => user.value?.role === 'admin');

  /**
   * Asks the server who is signed in (`GET /api/auth/session`); null when nobody is. That route
   * answers 200 either way, so a signed-out visitor's first load logs no failed request.
   */
  async function refresh(): Promise<User | null> {
    try {
      const answer = await api.get<{ authenticated: boolean; user: User | null; twoFactorEnrolmentRequired?: boolean }>('/api/auth/session');
      user.value = answer.user;
      twoFactorEnrolmentRequired.value = Boolean(answer.twoFactorEnrolmentRequired);
    } finally {
      checked.value = true;
    }
    return user.value;
  }

  /**
   * Signs in; rejects with the server's {@link ApiError} (401 `invalid_credentials`, 429 …). An
   * account with a second factor rejects with code `second_factor_required`: read its challenge
   * with {@link secondFactorChallengeOf} and finish with {@link loginWithSecondFactor}.
   */
  async function login(username: string, password: string): Promise<User> {
    return signedIn(await api.post<LoginResponse>('/api/auth/login', { username, password }, { expectUnauthorized: true }));
  }

  /** Finishes a login with the challenge and a TOTP or recovery code; rejects like {@link login}. */
  async function loginWithSecondFactor(challenge: string, code: string): Promise<User> {
    return signedIn(await api.post<LoginResponse>('/api/auth/login/second-factor', { challenge, code }, { expectUnauthorized: true }));
  }

  /** Records what a successful login (of any kind) answered. */
  function signedIn(answer: LoginResponse): User {
    setUser(answer.user);
    twoFactorEnrolmentRequired.value = Boolean(answer.twoFactorEnrolmentRequired);
    return answer.user;
  }

  /** Signs out on the server (best effort) and forgets the user. */
  async function logout(): Promise<void> {
    try {
      await api.post<void>('/api/auth/logout', undefined, { expectUnauthorized: true });
    } finally {
      clear();
    }
  }

  /** Records a user the server has just reported (after setup, or a profile change). */
  function setUser(next: User): void {
    user.value = next;
    checked.value = true;
  }

  /** Forgets the user without asking the server (the session already ended). */
  function clear(): void {
    user.value = null;
    twoFactorEnrolmentRequired.value = false;
    checked.value = true;
  }

  return { user, checked, isAuthenticated, isAdmin, twoFactorEnrolmentRequired, refresh, login, loginWithSecondFactor, signedIn, logout, setUser, clear };
});

/** The challenge of a login that answered `second_factor_required`, or null for any other error. */
export function secondFactorChallengeOf(err: unknown): SecondFactorChallenge | null {
  if (!(err instanceof ApiError) || err.code !== 'second_factor_required') return null;
  const challenge = err.details?.challenge;
  const methods = err.details?.methods;
  if (typeof challenge !== 'string' || !Array.isArray(methods)) return null;
  return { challenge, methods: methods.filter((m): m is SecondFactorChallenge['methods'][number] => m === 'totp' || m === 'recovery' || m === 'passkey') };
}
