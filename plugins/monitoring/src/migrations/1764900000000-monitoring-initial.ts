import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The activity log. Built with TypeORM's schema API so it stays portable. */
export class MonitoringInitial1764900000000 implements MigrationInterface {
  name = 'MonitoringInitial1764900000000';

  async up(q: QueryRunner): Promise<void> {
    const nullable = (name: string, type: string, length?: string) => ({ name, type, length, isNullable: true });
    await q.createTable(
      new Table({
        name: 'activity_log',
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
        indices: [
          { name: 'IDX_activity_log_at', columnNames: ['at'] },
          { name: 'IDX_activity_log_serverId', columnNames: ['serverId'] },
          { name: 'IDX_activity_log_userId', columnNames: ['userId'] },
          { name: 'IDX_activity_log_ownerId', columnNames: ['ownerId'] },
          { name: 'IDX_activity_log_action', columnNames: ['action'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('activity_log');
  }
}
