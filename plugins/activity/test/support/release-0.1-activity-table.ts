import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monitoring plugin's first migration exactly as release 0.1 shipped it, frozen as the SQL it
 * left in `sqlite_master` (read from a database that release made): the activity log's table and
 * its five indices. The upgrade test builds a 0.1 database with it; the class keeps the shipped
 * name so the `migrations` table records what a 0.1 instance records.
 */
export class MonitoringInitial1764900000000 implements MigrationInterface {
  name = 'MonitoringInitial1764900000000';

  static readonly statements = [
    'CREATE TABLE "activity_log" ("id" varchar(36) PRIMARY KEY NOT NULL, "at" datetime NOT NULL, "userId" varchar(36), "username" varchar(64), "ownerId" varchar(36), "action" varchar(64) NOT NULL, "targetType" varchar(32), "targetId" varchar(64), "targetName" varchar(200), "serverId" varchar(36), "result" varchar(8) NOT NULL, "detail" varchar(500), "door" varchar(8), "clientIp" varchar(64))',
    ...['at', 'serverId', 'userId', 'ownerId', 'action'].map((c) => `CREATE INDEX "IDX_activity_log_${c}" ON "activity_log" ("${c}") `),
  ];

  async up(q: QueryRunner): Promise<void> {
    for (const sql of MonitoringInitial1764900000000.statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "activity_log"');
  }
}
