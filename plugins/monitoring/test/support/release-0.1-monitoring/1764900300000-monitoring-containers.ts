// Frozen copy of this migration as release 0.1 shipped it: the database an upgrade starts from (series-keys-migration.test.ts).
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Raw samples of Tomo-managed containers, one row per running container per poll. */
export class MonitoringContainers1764900300000 implements MigrationInterface {
  name = 'MonitoringContainers1764900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'container_samples',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'installationId', type: 'varchar', length: '36' },
          { name: 'serverId', type: 'varchar', length: '36' },
          { name: 'ts', type: 'bigint' },
          { name: 'cpuPercent', type: 'float', isNullable: true },
          { name: 'memBytes', type: 'bigint', isNullable: true },
        ],
        indices: [
          { name: 'IDX_container_samples_installation_ts', columnNames: ['installationId', 'ts'] },
          { name: 'IDX_container_samples_ts', columnNames: ['ts'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('container_samples');
  }
}
