import { Table, TableColumn, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/** TOTP columns on `auth_users` (secret sealed by the vault) and the hashed single-use recovery codes. */
export class AuthTwoFactor1766100000000 implements MigrationInterface {
  name = 'AuthTwoFactor1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('auth_users', [
      new TableColumn({ name: 'totpSecret', type: 'text', isNullable: true }),
      new TableColumn({ name: 'totpPendingSecret', type: 'text', isNullable: true }),
      new TableColumn({ name: 'totpLastStep', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'totpEnabledAt', type: 'datetime', isNullable: true }),
    ]);
    await q.createTable(
      new Table({
        name: 'auth_recovery_codes',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'codeHash', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'usedAt', type: 'datetime', isNullable: true },
        ],
        indices: [
          { name: 'IDX_auth_recovery_codes_userId', columnNames: ['userId'] },
          { name: 'UQ_auth_recovery_codes_codeHash', columnNames: ['codeHash'], isUnique: true },
        ],
        foreignKeys: [new TableForeignKey({ name: 'FK_auth_recovery_codes_userId', columnNames: ['userId'], referencedTableName: 'auth_users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auth_recovery_codes');
    for (const column of ['totpEnabledAt', 'totpLastStep', 'totpPendingSecret', 'totpSecret']) await q.dropColumn('auth_users', column);
  }
}
