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
          { name: 'usernameKey', type: 'varchar', length: '32', isUnique: true },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'passwordHash', type: 'varchar', length: '100' },
          { name: 'disabled', type: 'boolean', default: false },
          { name: 'createdAt', type: 'datetime', default: 'CURRENT_TIMESTAMP' },
          { name: 'updatedAt', type: 'datetime', default: 'CURRENT_TIMESTAMP' },
          { name: 'lastLoginAt', type: 'datetime', isNullable: true },
        ],
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
          { name: 'createdAt', type: 'datetime', default: 'CURRENT_TIMESTAMP' },
          { name: 'expiresAt', type: 'datetime' },
          { name: 'revokedAt', type: 'datetime', isNullable: true },
        ],
        indices: [{ columnNames: ['userId'] }],
        foreignKeys: [new TableForeignKey({ columnNames: ['userId'], referencedTableName: 'auth_users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
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
          { name: 'tokenHash', type: 'varchar', length: '64', isUnique: true },
          { name: 'createdAt', type: 'datetime', default: 'CURRENT_TIMESTAMP' },
          { name: 'lastUsedAt', type: 'datetime', isNullable: true },
          { name: 'expiresAt', type: 'datetime', isNullable: true },
          { name: 'revokedAt', type: 'datetime', isNullable: true },
        ],
        indices: [{ columnNames: ['userId'] }],
        foreignKeys: [new TableForeignKey({ columnNames: ['userId'], referencedTableName: 'auth_users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auth_api_tokens');
    await q.dropTable('auth_sessions');
    await q.dropTable('auth_users');
  }
}
