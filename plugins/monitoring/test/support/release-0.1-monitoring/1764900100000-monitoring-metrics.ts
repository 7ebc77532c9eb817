// Frozen copy of this migration as release 0.1 shipped it: the database an upgrade starts from (series-keys-migration.test.ts).
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Raw metric samples, one row per server per poll. TypeORM's schema API, so it stays portable. */
export class MonitoringMetrics1764900100000 implements MigrationInterface {
  name = 'MonitoringMetrics1764900100000';

  async up(q: QueryRunner): Promise<void> {
    const nullable = (name: string, type: string) => ({ name, type, isNullable: true });
    await q.createTable(
      new Table({
        name: 'metric_samples',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'serverId', type: 'varchar', length: '36' },
          { name: 'ts', type: 'bigint' },
          nullable('cpuPercent', 'float'),
          nullable('memTotalBytes', 'bigint'),
          nullable('memUsedBytes', 'bigint'),
          nullable('diskTotalBytes', 'bigint'),
          nullable('diskUsedBytes', 'bigint'),
          nullable('dockerDiskTotalBytes', 'bigint'),
          nullable('dockerDiskUsedBytes', 'bigint'),
          nullable('load1', 'float'),
          nullable('load5', 'float'),
          nullable('load15', 'float'),
          nullable('uptimeSeconds', 'bigint'),
          nullable('latencyMs', 'float'),
        ],
        indices: [{ name: 'IDX_metric_samples_server_ts', columnNames: ['serverId', 'ts'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('metric_samples');
  }
}
