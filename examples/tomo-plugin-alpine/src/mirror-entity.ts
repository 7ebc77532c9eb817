import { EntitySchema, Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The apk mirror an admin chose for one server (shown on the plugin's page; one row per server). */
export interface AlpineMirror {
  serverId: string;
  url: string;
  updatedAt: Date;
}

/**
 * A schema object instead of decorators: a third-party package then needs no decorator
 * compiler settings, and TypeORM (the host's copy) reads it the same way.
 */
export const AlpineMirrorEntity = new EntitySchema<AlpineMirror>({
  name: 'AlpineMirror',
  tableName: 'alpine_mirrors',
  columns: {
    serverId: { type: 'varchar', length: 36, primary: true },
    url: { type: 'varchar', length: 300 },
    updatedAt: { type: 'datetime' },
  },
});

/** Creates `alpine_mirrors` (portable: TypeORM's schema API, no SQLite-only SQL). */
export class AlpineMirrorsInitial1790000000000 implements MigrationInterface {
  name = 'AlpineMirrorsInitial1790000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'alpine_mirrors',
        columns: [
          { name: 'serverId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'url', type: 'varchar', length: '300' },
          { name: 'updatedAt', type: 'datetime' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alpine_mirrors');
  }
}
