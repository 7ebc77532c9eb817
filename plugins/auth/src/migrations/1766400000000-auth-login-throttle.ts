import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `auth_login_throttle`: failed-login counts shared by every instance on one PostgreSQL database
 * (rate-limiter-flexible's RateLimiterPostgres layout: `key`, `points`, `expire` in epoch ms).
 * Made here rather than by the library at run time, so the schema is the migrations' alone. Made
 * on SQLite too, where it stays empty (one instance counts in memory): both engines keep one schema.
 */
export class AuthLoginThrottle1766400000000 implements MigrationInterface {
  name = 'AuthLoginThrottle1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'auth_login_throttle',
        columns: [
          { name: 'key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'points', type: 'integer', default: 0 },
          { name: 'expire', type: 'bigint', isNullable: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auth_login_throttle');
  }
}
