import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The servers table. Built with TypeORM's schema API so it stays portable. */
export class ServersInitial1763900100000 implements MigrationInterface {
  name = 'ServersInitial1763900100000';

  async up(q: QueryRunner): Promise<void> {
    const nullable = (name: string, type: string, length?: string) => ({ name, type, length, isNullable: true });
    await q.createTable(
      new Table({
        name: 'servers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'host', type: 'varchar', length: '253' },
          { name: 'port', type: 'integer' },
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'authType', type: 'varchar', length: '16' },
          { name: 'credentialsSealed', type: 'text' },
          nullable('hostKeyFingerprint', 'varchar', '64'),
          nullable('hostKeyAlgorithm', 'varchar', '64'),
          nullable('hostKeyFirstSeenAt', 'datetime'),
          nullable('pendingHostKeyFingerprint', 'varchar', '64'),
          nullable('pendingHostKeyAlgorithm', 'varchar', '64'),
          nullable('pendingHostKeySeenAt', 'datetime'),
          { name: 'status', type: 'varchar', length: '16' },
          nullable('lastError', 'varchar', '500'),
          nullable('lastCheckedAt', 'datetime'),
          nullable('factsJson', 'text'),
          { name: 'ownerId', type: 'varchar', length: '36' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'updatedAt', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_servers_ownerId', columnNames: ['ownerId'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('servers');
  }
}
