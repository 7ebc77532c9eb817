// Frozen copy of this migration as release 0.1 shipped it: the database an upgrade starts from (series-keys-migration.test.ts).
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Server metrics rolled up into 5-minute and 1-hour buckets, and how far the rollup job got. */
export class MonitoringRollups1764900200000 implements MigrationInterface {
  name = 'MonitoringRollups1764900200000';

  async up(q: QueryRunner): Promise<void> {
    const nullable = (name: string, type: string) => ({ name, type, isNullable: true });
    await q.createTable(
      new Table({
        name: 'metric_rollups',
        withoutRowid: true,
        columns: [
          { name: 'serverId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'resolution', type: 'integer', isPrimary: true },
          { name: 'ts', type: 'bigint', isPrimary: true },
          { name: 'samples', type: 'integer' },
          { name: 'cpuPercentSamples', type: 'integer' },
          nullable('cpuPercentMin', 'float'),
          nullable('cpuPercentAvg', 'float'),
          nullable('cpuPercentMax', 'float'),
          nullable('memUsedBytesAvg', 'float'),
          nullable('memUsedBytesMax', 'bigint'),
          nullable('memTotalBytesMax', 'bigint'),
          nullable('diskUsedBytesAvg', 'float'),
          nullable('diskUsedBytesMax', 'bigint'),
          nullable('diskTotalBytesMax', 'bigint'),
          nullable('dockerDiskUsedBytesAvg', 'float'),
          nullable('dockerDiskUsedBytesMax', 'bigint'),
          nullable('dockerDiskTotalBytesMax', 'bigint'),
          nullable('load1Avg', 'float'),
          nullable('load1Max', 'float'),
          nullable('latencyMsAvg', 'float'),
          nullable('latencyMsMax', 'float'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metric_rollup_watermarks',
        columns: [
          { name: 'series', type: 'varchar', length: '64', isPrimary: true },
          { name: 'resolution', type: 'integer', isPrimary: true },
          { name: 'watermark', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('metric_rollup_watermarks');
    await q.dropTable('metric_rollups');
  }
}
