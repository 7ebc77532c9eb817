import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

const TABLE = 'activity_log';

/**
 * The activity log's table, now the activity plugin's. Until release 0.1 the monitoring plugin
 * created it (`MonitoringInitial1764900000000`, recorded in `migrations` on every existing
 * instance): there the table is adopted as it is, rows and indices untouched. On a fresh
 * database it is created here, with the same columns and indices. Built with TypeORM's schema
 * API so it stays portable.
 */
export class ActivityLog1765100000000 implements MigrationInterface {
  name = 'ActivityLog1765100000000';

  async up(q: QueryRunner): Promise<void> {
    if (await q.hasTable(TABLE)) return;
    const nullable = (name: string, type: string, length?: string) => ({ name, type, length, isNullable: true });
    await q.createTable(
      new Table({
        name: TABLE,
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'at', type: 'datetime' },
          nullable('userId', 'varchar', '36'),
          nullable('username', 'varchar', '64'),
          nullable('ownerId', 'varchar', '36'),
          { name: 'action', type: 'varchar', length: '64' },
          nullable('targetType', 'varchar', '32'),
          nullable('targetId', 'varchar', '64'),
          nullable('targetName', 'varchar', '200'),
          nullable('serverId', 'varchar', '36'),
          { name: 'result', type: 'varchar', length: '8' },
          nullable('detail', 'varchar', '500'),
          nullable('door', 'varchar', '8'),
          nullable('clientIp', 'varchar', '64'),
        ],
        indices: ['at', 'serverId', 'userId', 'ownerId', 'action'].map((column) => ({ name: `IDX_${TABLE}_${column}`, columnNames: [column] })),
      }),
    );
  }

  /** Reverting drops the table: with this plugin's migrations, nothing before this one made it. */
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable(TABLE);
  }
}
