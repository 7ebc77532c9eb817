import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Users, sessions and API tokens. Built with TypeORM's schema API so it stays portable to PostgreSQL. */
export class AuthInitial1763900000000 implements MigrationInterface {
  name = 'AuthInitial1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'auth_users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'username', type: 'varchar', length: '32' },
          { name: 'usernameKey', type: 'varchar', length: '32' },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'passwordHash', type: 'varchar', length: '100' },
          { name: 'disabled', type: 'boolean' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'updatedAt', type: 'datetime' },
          { name: 'lastLoginAt', type: 'datetime', isNullable: true },
        ],
        indices: [{ name: 'UQ_auth_users_usernameKey', columnNames: ['usernameKey'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'auth_sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'transport', type: 'varchar', length: '8' },
          { name: 'clientIp', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'expiresAt', type: 'datetime' },
          { name: 'revokedAt', type: 'datetime', isNullable: true },
        ],
        indices: [{ name: 'IDX_auth_sessions_userId', columnNames: ['userId'] }],
        foreignKeys: [new TableForeignKey({ name: 'FK_auth_sessions_userId', columnNames: ['userId'], referencedTableName: 'auth_users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'auth_api_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'prefix', type: 'varchar', length: '20' },
          { name: 'tokenHash', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'lastUsedAt', type: 'datetime', isNullable: true },
          { name: 'expiresAt', type: 'datetime', isNullable: true },
          { name: 'revokedAt', type: 'datetime', isNullable: true },
        ],
        indices: [
          { name: 'IDX_auth_api_tokens_userId', columnNames: ['userId'] },
          { name: 'UQ_auth_api_tokens_tokenHash', columnNames: ['tokenHash'], isUnique: true },
        ],
        foreignKeys: [new TableForeignKey({ name: 'FK_auth_api_tokens_userId', columnNames: ['userId'], referencedTableName: 'auth_users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auth_api_tokens');
    await q.dropTable('auth_sessions');
    await q.dropTable('auth_users');
  }
}
