import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Docker Compose v2 per server, as the preparation found it (issue 17): null for records made before. */
export class PreparationCompose1765200000000 implements MigrationInterface {
  name = 'PreparationCompose1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('preparations', new TableColumn({ name: 'composeJson', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('preparations', 'composeJson');
  }
}
