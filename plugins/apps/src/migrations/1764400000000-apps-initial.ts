import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** App installations. Built with TypeORM's schema API so it stays portable. */
export class AppsInitial1764400000000 implements MigrationInterface {
  name = 'AppsInitial1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const text = (name: string) => ({ name, type: 'text' });
    await q.createTable(
      new Table({
        name: 'app_installations',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'serverId', type: 'varchar', length: '36' },
          { name: 'ownerId', type: 'varchar', length: '36' },
          { name: 'appId', type: 'varchar', length: '64' },
          { name: 'appName', type: 'varchar', length: '200' },
          { name: 'image', type: 'varchar', length: '300' },
          { name: 'containerName', type: 'varchar', length: '64' },
          { name: 'containerId', type: 'varchar', length: '80', isNullable: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'error', type: 'varchar', length: '2000', isNullable: true },
          text('portsJson'),
          text('settingsJson'),
          text('secretNamesJson'),
          { name: 'secretsSealed', type: 'text', isNullable: true },
          text('capabilitiesJson'),
          text('definitionJson'),
          { name: 'dataDir', type: 'varchar', length: '500' },
          text('progressJson'),
          { name: 'createdBy', type: 'varchar', length: '36', isNullable: true },
          { name: 'createdAt', type: 'datetime' },
          { name: 'updatedAt', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_app_installations_serverId', columnNames: ['serverId'] },
          { name: 'UQ_app_installations_server_container', columnNames: ['serverId', 'containerName'], isUnique: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('app_installations');
  }
}
