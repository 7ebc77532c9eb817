import type { Clock } from '@tomo/kernel';

/** How long the provider may take (the person typing their password there) before the callback. */
export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;

/** What `start` remembers for its callback: never sent to the browser except the state itself. */
export interface PendingLogin {
  provider: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

/**
 * Logins sent to a provider and not back yet, by their random `state`. Server-side, so the PKCE
 * verifier and the nonce never leave Tomo; single use (the callback takes it whatever happens
 * next); kept in memory: a restart only means clicking the button again.
 */
export class PendingLogins {
  private readonly pending = new Map<string, PendingLogin & { expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  add(state: string, login: PendingLogin): void {
    const now = this.clock.now().getTime();
    for (const [key, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(key);
    this.pending.set(state, { ...login, expiresAt: now + PENDING_LOGIN_TTL_MS });
  }

  /** Takes (removes) the login started with this state; null when unknown, spent or expired. */
  take(state: string): PendingLogin | null {
    const entry = this.pending.get(state);
    if (!entry) return null;
    this.pending.delete(state);
    if (entry.expiresAt <= this.clock.now().getTime()) return null;
    const { expiresAt: _expiresAt, ...login } = entry;
    return login;
  }
}
