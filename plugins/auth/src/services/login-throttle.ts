import { RateLimiterMemory } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '@tomo/kernel';
import type { AuthConfig } from '../config';

/**
 * Counts failed logins per client address and per username (successes do not count) and
 * refuses further attempts once either runs out, until its window passes. A success clears
 * the username's count.
 */
export class LoginThrottle {
  private readonly perClient: RateLimiterMemory;
  private readonly perUsername: RateLimiterMemory;

  constructor(config: AuthConfig['throttle']) {
    this.perClient = new RateLimiterMemory({ points: config.perClient.attempts, duration: config.perClient.windowSeconds });
    this.perUsername = new RateLimiterMemory({ points: config.perUsername.attempts, duration: config.perUsername.windowSeconds });
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
