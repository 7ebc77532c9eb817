import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/** `auth_passkeys`: users' WebAuthn credentials (public key, counter, name). */
export class AuthPasskeys1766200000000 implements MigrationInterface {
  name = 'AuthPasskeys1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'auth_passkeys',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'credentialId', type: 'varchar', length: '1400' },
          { name: 'publicKey', type: 'text' },
          { name: 'counter', type: 'integer' },
          { name: 'transports', type: 'varchar', length: '200' },
          { name: 'deviceType', type: 'varchar', length: '16' },
          { name: 'backedUp', type: 'boolean' },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'lastUsedAt', type: 'datetime', isNullable: true },
        ],
        indices: [
          { name: 'IDX_auth_passkeys_userId', columnNames: ['userId'] },
          { name: 'UQ_auth_passkeys_credentialId', columnNames: ['credentialId'], isUnique: true },
        ],
        foreignKeys: [new TableForeignKey({ name: 'FK_auth_passkeys_userId', columnNames: ['userId'], referencedTableName: 'auth_users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auth_passkeys');
  }
}
