import { randomUUID } from 'node:crypto';
import { runSql } from '@tomo/kernel';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_RULES } from '../rules/default-rules';

/**
 * The default rules, created once on a new instance (a migration runs once per database, so a
 * default an admin deleted does not come back at the next start). `builtIn`, owned by the system.
 */
export class AlertsDefaultRules1765410100000 implements MigrationInterface {
  name = 'AlertsDefaultRules1765410100000';

  async up(q: QueryRunner): Promise<void> {
    const started = Date.now();
    for (const [i, r] of DEFAULT_RULES.entries()) {
      // A millisecond apart, in DEFAULT_RULES' order: the rules are listed by creation time, and
      // with one time for all three PostgreSQL returned them in any order (SQLite by rowid).
      const now = new Date(started + i).toISOString().replace('T', ' ').replace('Z', '');
      // Portable SQL (kernel's runSql): quoted names, `?` parameters, TRUE for both engines'
      // booleans; the time as UTC text, which SQLite stores and PostgreSQL (a UTC session) reads.
      await runSql(
        q,
        `INSERT INTO "alert_rules" ("id", "name", "enabled", "ownerId", "builtIn", "kind", "metric", "operator", "threshold", "forMinutes", "clearThreshold", "event", "serverId", "severity", "channelIdsJson", "createdAt", "updatedAt")
         VALUES (?, ?, TRUE, NULL, TRUE, ?, ?, ?, ?, ?, ?, ?, NULL, ?, '[]', ?, ?)`,
        [randomUUID(), r.name, r.kind, r.metric, r.operator, r.threshold, r.forMinutes, r.clearThreshold, r.event, r.severity, now, now],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await runSql(q, 'DELETE FROM "alert_rules" WHERE "builtIn" = TRUE AND "ownerId" IS NULL');
  }
}
