import { randomBytes } from 'node:crypto';
import type { Clock } from '@tomo/kernel';

/** What a challenge was handed out for. */
export type Ceremony =
  /** Making a passkey for a signed-in user. */
  | { kind: 'register'; userId: string }
  /**
   * Signing in. `userId` and `secondFactor` are set when the passkey is the second factor after a
   * password (the second-factor challenge it answers, bound to that user); null for a password-less sign-in.
   */
  | { kind: 'login'; userId: string | null; secondFactor: string | null };

/** How long a challenge can be answered: the browser's own timeout is shorter (see PasskeyService). */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/**
 * At most this many outstanding challenges (the sign-in options route is public): past it the
 * oldest are dropped, so a flood of requests cannot grow the memory without bound.
 */
const MAX_OUTSTANDING = 10000;

/**
 * WebAuthn challenges, in memory: random, short-lived, single use. A challenge is taken (and
 * forgotten) by the first answer that names it, whether that answer then verifies or not, so a
 * replayed or second answer finds nothing. A restart forgets them all: a sign-in in progress starts again.
 */
export class PasskeyChallenges {
  private readonly pending = new Map<string, { ceremony: Ceremony; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = PASSKEY_CHALLENGE_TTL_MS,
  ) {}

  /** A new challenge (base64url of 32 random bytes), as the browser will echo it. */
  issue(ceremony: Ceremony): string {
    this.sweep();
    while (this.pending.size >= MAX_OUTSTANDING) this.pending.delete(this.pending.keys().next().value as string);
    const challenge = randomBytes(32).toString('base64url');
    this.pending.set(challenge, { ceremony, expiresAt: this.clock.now().getTime() + this.ttlMs });
    return challenge;
  }

  /** The ceremony a challenge was issued for, once; null when unknown, already used or expired. */
  take(challenge: string): Ceremony | null {
    const entry = this.pending.get(challenge);
    if (!entry) return null;
    this.pending.delete(challenge);
    return entry.expiresAt > this.clock.now().getTime() ? entry.ceremony : null;
  }

  /** Drops expired challenges: all at the front, as every one lives the same time and the map keeps insertion order. */
  private sweep(): void {
    const now = this.clock.now().getTime();
    for (const [challenge, entry] of this.pending) {
      if (entry.expiresAt > now) return;
      this.pending.delete(challenge);
    }
  }
}
