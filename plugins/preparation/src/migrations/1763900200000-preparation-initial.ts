import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Preparation state per server and its log. Built with TypeORM's schema API so it stays portable. */
export class PreparationInitial1763900200000 implements MigrationInterface {
  name = 'PreparationInitial1763900200000';

  async up(q: QueryRunner): Promise<void> {
    const nullable = (name: string, type: string, length?: string) => ({ name, type, length, isNullable: true });
    await q.createTable(
      new Table({
        name: 'preparations',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'serverId', type: 'varchar', length: '36' },
          { name: 'status', type: 'varchar', length: '16' },
          nullable('currentStep', 'varchar', '64'),
          nullable('failedStep', 'varchar', '64'),
          nullable('error', 'varchar', '2000'),
          { name: 'stepsJson', type: 'text' },
          nullable('preparerId', 'varchar', '64'),
          nullable('osJson', 'text'),
          nullable('startedBy', 'varchar', '36'),
          nullable('startedAt', 'datetime'),
          nullable('finishedAt', 'datetime'),
          { name: 'updatedAt', type: 'datetime' },
        ],
        indices: [{ name: 'UQ_preparations_serverId', columnNames: ['serverId'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'preparation_logs',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'serverId', type: 'varchar', length: '36' },
          { name: 'at', type: 'datetime' },
          nullable('step', 'varchar', '64'),
          { name: 'level', type: 'varchar', length: '8' },
          { name: 'message', type: 'varchar', length: '4000' },
        ],
        indices: [{ name: 'IDX_preparation_logs_serverId', columnNames: ['serverId'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('preparation_logs');
    await q.dropTable('preparations');
  }
}
