import { randomBytes } from 'node:crypto';
import type { Clock } from '@tomo/kernel';

/** How long a second-factor challenge stays valid after the password was accepted. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** Wrong codes one challenge takes before it is dropped (the login throttle counts them too). */
export const CHALLENGE_MAX_FAILURES = 5;

interface Pending {
  userId: string;
  expiresAt: number;
  failures: number;
}

/** What a live challenge stands for. */
export interface ChallengeOwner {
  userId: string;
}

/**
 * The step between a correct password and a second factor: an opaque random string bound to one
 * user, valid for 5 minutes, spent by the first successful second factor (TOTP, recovery code or
 * a passkey assertion). Kept in memory only: a restart simply asks for the password again.
 *
 * `peek` looks without spending (to find the user whose code or passkey to check); `consume`
 * spends it, atomically, so of two requests racing with one challenge only one logs in.
 */
export class SecondFactorChallenges {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  private now(): number {
    return this.clock.now().getTime();
  }

  /** A new challenge for a user whose password was just accepted. */
  issue(userId: string): string {
    this.sweep();
    const challenge = randomBytes(32).toString('base64url');
    this.pending.set(challenge, { userId, expiresAt: this.now() + CHALLENGE_TTL_MS, failures: 0 });
    return challenge;
  }

  /** The challenge's user while it is live, without spending it; null when unknown, expired or spent. */
  peek(challenge: string): ChallengeOwner | null {
    const entry = this.pending.get(challenge);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.pending.delete(challenge);
      return null;
    }
    return { userId: entry.userId };
  }

  /** Spends the challenge: its user the first time, null ever after (or when expired/unknown). */
  consume(challenge: string): ChallengeOwner | null {
    const owner = this.peek(challenge);
    if (owner) this.pending.delete(challenge);
    return owner;
  }

  /** Counts a wrong code against the challenge; after {@link CHALLENGE_MAX_FAILURES} it is dropped. */
  recordFailure(challenge: string): void {
    const entry = this.pending.get(challenge);
    if (entry && ++entry.failures >= CHALLENGE_MAX_FAILURES) this.pending.delete(challenge);
  }

  /** Drops every challenge of a user (their factor was reset, they were disabled). */
  forgetUser(userId: string): void {
    for (const [challenge, entry] of this.pending) if (entry.userId === userId) this.pending.delete(challenge);
  }

  private sweep(): void {
    const now = this.now();
    for (const [challenge, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(challenge);
  }
}
