import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Notification channels and their delivery attempts. TypeORM's schema API, so it stays portable. */
export class AlertsChannels1765420000000 implements MigrationInterface {
  name = 'AlertsChannels1765420000000';

  async up(q: QueryRunner): Promise<void> {
    const nullable = (name: string, type: string, length?: string) => ({ name, type, length, isNullable: true });
    await q.createTable(
      new Table({
        name: 'alert_channels',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'settingsJson', type: 'text' },
          { name: 'shownJson', type: 'text' },
          { name: 'secretNamesJson', type: 'text' },
          { name: 'secretsSealed', type: 'text' },
          { name: 'health', type: 'varchar', length: '16', default: "'untested'" },
          { name: 'consecutiveFailures', type: 'integer', default: '0' },
          nullable('lastDeliveryAt', 'datetime'),
          nullable('lastError', 'varchar', '500'),
          nullable('createdBy', 'varchar', '36'),
          { name: 'createdAt', type: 'datetime' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alert_delivery_attempts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'channelId', type: 'varchar', length: '36' },
          { name: 'deliveryId', type: 'varchar', length: '36' },
          nullable('alertId', 'varchar', '64'),
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempt', type: 'integer' },
          { name: 'outcome', type: 'varchar', length: '16' },
          nullable('responseCode', 'integer'),
          nullable('error', 'varchar', '500'),
          { name: 'at', type: 'datetime' },
          { name: 'durationMs', type: 'integer' },
        ],
        // A channel's attempts are deleted with it by the service (ChannelService.delete).
        indices: [{ name: 'IDX_alert_delivery_attempts_channel_at', columnNames: ['channelId', 'at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alert_delivery_attempts');
    await q.dropTable('alert_channels');
  }
}
