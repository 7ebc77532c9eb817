import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { isPostgres, lazyModule, TooManyRequestsError } from '@tomo/kernel';
import type { AuthConfig } from '../config';

/** Loaded with the limiters on the first login attempt, not at start. */
const rateLimiter = lazyModule<typeof import('rate-limiter-flexible')>(require, 'rate-limiter-flexible');

/** Made by the auth migrations (AuthLoginThrottle1766400000000), never by the library. */
export const THROTTLE_TABLE = 'auth_login_throttle';

type Limiters = { perClient: RateLimiterAbstract; perUsername: RateLimiterAbstract };

/**
 * Counts failed logins per client address and per username (successes do not count) and
 * refuses further attempts once either runs out, until its window passes. A success clears
 * the username's count.
 *
 * Where the counts live: on SQLite (one instance) in this process's memory; on PostgreSQL in
 * the `auth_login_throttle` table, so several instances behind one load balancer share one
 * budget (an attacker cannot multiply it by the number of instances).
 */
export class LoginThrottle {
  private limiters?: Limiters;

  constructor(
    private readonly config: AuthConfig['throttle'],
    private readonly dataSource?: DataSource,
  ) {}

  private get perClient(): RateLimiterAbstract {
    return this.made().perClient;
  }

  private get perUsername(): RateLimiterAbstract {
    return this.made().perUsername;
  }

  /** Both limiters, made on first use (in memory, the counts live in them, so they are made once). */
  private made(): Limiters {
    this.limiters ??= this.make();
    return this.limiters;
  }

  private make(): Limiters {
    const { RateLimiterMemory, RateLimiterPostgres } = rateLimiter();
    const { perClient, perUsername } = this.config;
    const budgets = { perClient: { keyPrefix: 'client', ...perClient }, perUsername: { keyPrefix: 'user', ...perUsername } };
    const make = ({ keyPrefix, attempts, windowSeconds }: { keyPrefix: string; attempts: number; windowSeconds: number }): RateLimiterAbstract => {
      if (!this.dataSource || !isPostgres(this.dataSource)) return new RateLimiterMemory({ points: attempts, duration: windowSeconds });
      // TypeORM's own pg pool: no connection of its own, the same database and session settings.
      const pool = (this.dataSource.driver as unknown as { master: unknown }).master;
      return new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: THROTTLE_TABLE, tableCreated: true, keyPrefix, points: attempts, duration: windowSeconds });
    };
    return { perClient: make(budgets.perClient), perUsername: make(budgets.perUsername) };
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
