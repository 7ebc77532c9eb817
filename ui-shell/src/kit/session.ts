import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from './api';
import type { LoginResponse, User } from './types';

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
  const isAuthenticated = computed(() => user.value !== null);
  const isAdmin = computed(() => user.value?.role === 'admin');

  /**
   * Asks the server who is signed in (`GET /api/auth/session`); null when nobody is. That route
   * answers 200 either way, so a signed-out visitor's first load logs no failed request.
   */
  async function refresh(): Promise<User | null> {
    try {
      user.value = (await api.get<{ authenticated: boolean; user: User | null }>('/api/auth/session')).user;
    } finally {
      checked.value = true;
    }
    return user.value;
  }

  /** Signs in; rejects with the server's {@link ApiError} (401 `invalid_credentials`, 429 …). */
  async function login(username: string, password: string): Promise<User> {
    const answer = await api.post<LoginResponse>('/api/auth/login', { username, password }, { expectUnauthorized: true });
    setUser(answer.user);
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
    checked.value = true;
  }

  return { user, checked, isAuthenticated, isAdmin, refresh, login, logout, setUser, clear };
});
