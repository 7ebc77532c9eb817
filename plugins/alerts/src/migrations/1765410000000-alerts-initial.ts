import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

type Column = { name: string; type: string; length?: string; isNullable?: boolean; isPrimary?: boolean; default?: string };

const id: Column = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
const nullable = (name: string, type: string, length?: string): Column => ({ name, type, length, isNullable: true });
const required = (name: string, type: string, length?: string): Column => ({ name, type, length });

/**
 * The alerts plugin's three tables: rules, alerts (fired and resolved) and silences. Built with
 * TypeORM's schema API so it stays portable.
 */
export class AlertsInitial1765410000000 implements MigrationInterface {
  name = 'AlertsInitial1765410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'alert_rules',
        columns: [
          id,
          required('name', 'varchar', '100'),
          { name: 'enabled', type: 'boolean', default: '1' },
          nullable('ownerId', 'varchar', '36'),
          { name: 'builtIn', type: 'boolean', default: '0' },
          required('kind', 'varchar', '8'),
          nullable('metric', 'varchar', '16'),
          nullable('operator', 'varchar', '1'),
          nullable('threshold', 'real'),
          nullable('forMinutes', 'real'),
          nullable('clearThreshold', 'real'),
          nullable('event', 'varchar', '32'),
          nullable('serverId', 'varchar', '36'),
          required('severity', 'varchar', '8'),
          { name: 'channelIdsJson', type: 'text', default: "'[]'" },
          required('createdAt', 'datetime'),
          required('updatedAt', 'datetime'),
        ],
        indices: [{ name: 'IDX_alert_rules_ownerId', columnNames: ['ownerId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alerts',
        columns: [
          id,
          required('fingerprint', 'varchar', '200'),
          nullable('ruleId', 'varchar', '36'),
          required('ruleName', 'varchar', '100'),
          required('severity', 'varchar', '8'),
          nullable('serverId', 'varchar', '36'),
          nullable('serverName', 'varchar', '200'),
          nullable('ownerId', 'varchar', '36'),
          required('state', 'varchar', '8'),
          required('subject', 'varchar', '300'),
          required('summary', 'varchar', '1000'),
          nullable('value', 'real'),
          nullable('threshold', 'real'),
          required('startedAt', 'datetime'),
          nullable('resolvedAt', 'datetime'),
          { name: 'silenced', type: 'boolean', default: '0' },
        ],
        indices: [
          { name: 'IDX_alerts_state_fingerprint', columnNames: ['state', 'fingerprint'] },
          { name: 'IDX_alerts_startedAt', columnNames: ['startedAt'] },
          { name: 'IDX_alerts_serverId', columnNames: ['serverId'] },
          { name: 'IDX_alerts_ruleId', columnNames: ['ruleId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alert_silences',
        columns: [
          id,
          nullable('ruleId', 'varchar', '36'),
          nullable('serverId', 'varchar', '36'),
          nullable('ownerId', 'varchar', '36'),
          required('startsAt', 'datetime'),
          required('endsAt', 'datetime'),
          nullable('reason', 'varchar', '200'),
          required('createdBy', 'varchar', '36'),
          required('createdAt', 'datetime'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alert_silences');
    await q.dropTable('alerts');
    await q.dropTable('alert_rules');
  }
}
