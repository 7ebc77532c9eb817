import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Updates with automatic rollback (issue 17): per installation, the image digest each service runs
 * (recorded at install and update, so an update can be undone by digest), the data snapshots taken
 * before updates (newest last, at most three), and the last update check and update outcome.
 */
export class AppsUpdates1765300000000 implements MigrationInterface {
  name = 'AppsUpdates1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('app_installations', [
      new TableColumn({ name: 'imageDigestsJson', type: 'text', isNullable: true }),
      new TableColumn({ name: 'snapshotsJson', type: 'text', isNullable: true }),
      new TableColumn({ name: 'updateJson', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['updateJson', 'snapshotsJson', 'imageDigestsJson']) await q.dropColumn('app_installations', column);
  }
}
