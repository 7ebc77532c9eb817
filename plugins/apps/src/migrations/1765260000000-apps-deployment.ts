import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * How each installation is deployed (issue 17): `deployment` (`engine` for every row made before
 * this release: one container created through the Engine API), and for Compose projects the
 * project name, its services and the compose file's path on the server.
 */
export class AppsDeployment1765260000000 implements MigrationInterface {
  name = 'AppsDeployment1765260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('app_installations', [
      new TableColumn({ name: 'deployment', type: 'varchar', length: '16', default: "'engine'" }),
      new TableColumn({ name: 'projectName', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'servicesJson', type: 'text', isNullable: true }),
      new TableColumn({ name: 'composeFile', type: 'varchar', length: '500', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['composeFile', 'servicesJson', 'projectName', 'deployment']) await q.dropColumn('app_installations', column);
  }
}
