// Frozen copy of this migration as release 0.1 shipped it: the database an upgrade starts from (series-keys-migration.test.ts).
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Tomo-managed containers' metrics rolled up into 5-minute and 1-hour buckets (watermarks in metric_rollup_watermarks). */
export class MonitoringContainerRollups1764900400000 implements MigrationInterface {
  name = 'MonitoringContainerRollups1764900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'container_rollups',
        withoutRowid: true,
        columns: [
          { name: 'installationId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'resolution', type: 'integer', isPrimary: true },
          { name: 'ts', type: 'bigint', isPrimary: true },
          { name: 'serverId', type: 'varchar', length: '36' },
          { name: 'samples', type: 'integer' },
          { name: 'cpuPercentSamples', type: 'integer' },
          { name: 'cpuPercentMin', type: 'float', isNullable: true },
          { name: 'cpuPercentAvg', type: 'float', isNullable: true },
          { name: 'cpuPercentMax', type: 'float', isNullable: true },
          { name: 'memBytesAvg', type: 'float', isNullable: true },
          { name: 'memBytesMax', type: 'bigint', isNullable: true },
        ],
        indices: [{ name: 'IDX_container_rollups_server', columnNames: ['serverId'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('container_rollups');
  }
}
