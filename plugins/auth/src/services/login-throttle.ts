import type { RateLimiterMemory } from 'rate-limiter-flexible';
import { lazyModule, TooManyRequestsError } from '@tomo/kernel';
import type { AuthConfig } from '../config';

/** Loaded with the limiters on the first login attempt, not at start. */
const rateLimiter = lazyModule<typeof import('rate-limiter-flexible')>(require, 'rate-limiter-flexible');

/**
 * Counts failed logins per client address and per username (successes do not count) and
 * refuses further attempts once either runs out, until its window passes. A success clears
 * the username's count.
 */
export class LoginThrottle {
  private limiters?: { perClient: RateLimiterMemory; perUsername: RateLimiterMemory };

  constructor(private readonly config: AuthConfig['throttle']) {}

  private get perClient(): RateLimiterMemory {
    return this.made().perClient;
  }

  private get perUsername(): RateLimiterMemory {
    return this.made().perUsername;
  }

  /** Both limiters, made on first use (the counts live in them, so they are made once). */
  private made(): { perClient: RateLimiterMemory; perUsername: RateLimiterMemory } {
    const { RateLimiterMemory: Limiter } = rateLimiter();
    const { perClient, perUsername } = this.config;
    this.limiters ??= {
      perClient: new Limiter({ points: perClient.attempts, duration: perClient.windowSeconds }),
      perUsername: new Limiter({ points: perUsername.attempts, duration: perUsername.windowSeconds }),
    };
    return this.limiters;
  }

  private static key(username: string): string {
    return username.trim().toLowerCase();
  }

  /** Throws 429 when either budget is spent. */
  async check(clientIp: string, username: string): Promise<void> {
    const [client, user] = await Promise.all([this.perClient.get(clientIp), this.perUsername.get(LoginThrottle.key(username))]);
    const blocked = [
      { res: client, points: this.perClient.points },
      { res: user, points: this.perUsername.points },
    ].filter(({ res, points }) => res && res.consumedPoints >= points);
    if (blocked.length) {
      const waitMs = Math.max(...blocked.map(({ res }) => res!.msBeforeNext));
      throw new TooManyRequestsError(Math.max(1, Math.ceil(waitMs / 1000)));
    }
  }

  async recordFailure(clientIp: string, username: string): Promise<void> {
    await Promise.all([
      this.perClient.penalty(clientIp, 1),
      this.perUsername.penalty(LoginThrottle.key(username), 1),
    ]);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.perUsername.delete(LoginThrottle.key(username));
  }
}
