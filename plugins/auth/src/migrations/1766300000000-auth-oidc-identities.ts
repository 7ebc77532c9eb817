import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/** `auth_oidc_identities`: OpenID Connect identities (issuer + subject) linked to users. */
export class AuthOidcIdentities1766300000000 implements MigrationInterface {
  name = 'AuthOidcIdentities1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'auth_oidc_identities',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'provider', type: 'varchar', length: '32' },
          { name: 'issuer', type: 'varchar', length: '512' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'email', type: 'varchar', length: '254', isNullable: true },
          { name: 'createdAt', type: 'datetime' },
          { name: 'lastLoginAt', type: 'datetime', isNullable: true },
        ],
        indices: [
          { name: 'IDX_auth_oidc_identities_userId', columnNames: ['userId'] },
          { name: 'UQ_auth_oidc_identities_issuer_subject', columnNames: ['issuer', 'subject'], isUnique: true },
        ],
        foreignKeys: [new TableForeignKey({ name: 'FK_auth_oidc_identities_userId', columnNames: ['userId'], referencedTableName: 'auth_users', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auth_oidc_identities');
  }
}
