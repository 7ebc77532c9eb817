import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Which Tomo instance runs an installation's operation (issue 24: several instances on one
 * PostgreSQL database). An install, uninstall, update or rollback left "in progress" is marked
 * failed only once that instance is gone, never while another instance is still running it.
 */
export class AppsOperatorInstance1766410000000 implements MigrationInterface {
  name = 'AppsOperatorInstance1766410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('app_installations', new TableColumn({ name: 'operatorInstance', type: 'varchar', length: '200', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('app_installations', 'operatorInstance');
  }
}
