import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** `auth_sessions.lastSeenAt`: when a session was last used, for the idle timeout (`auth.sessionIdleTimeout`). */
export class AuthSessionLastSeen1765000000000 implements MigrationInterface {
  name = 'AuthSessionLastSeen1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('auth_sessions', new TableColumn({ name: 'lastSeenAt', type: 'datetime', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('auth_sessions', 'lastSeenAt');
  }
}
