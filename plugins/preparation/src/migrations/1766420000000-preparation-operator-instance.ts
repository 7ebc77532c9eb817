import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Which Tomo instance runs a server's preparation (issue 24: several instances on one PostgreSQL
 * database). A run left "in progress" is marked interrupted only once that instance is gone,
 * never while another instance is still running it.
 */
export class PreparationOperatorInstance1766420000000 implements MigrationInterface {
  name = 'PreparationOperatorInstance1766420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('preparations', new TableColumn({ name: 'operatorInstance', type: 'varchar', length: '200', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('preparations', 'operatorInstance');
  }
}
