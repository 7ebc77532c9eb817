import { definePluginModule } from '@tomo/kernel';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * Alert rules and silences are configuration (always in a backup); fired alerts are history
 * (only with `--include-history`). Ids of users and servers are remapped on import like the
 * other plugins'. A module targeting backup, so alerts does not depend on it.
 */
export const alertsBackupTablesModule = definePluginModule({
  id: 'alerts-backup-tables',
  targetPlugin: 'backup',
  version,
  register(ctx) {
    const backup = ctx.getExtensionPoint(backupTablesExtensionPoint);
    backup.addTable({ table: 'alert_rules', label: 'alert rules', refs: { ownerId: 'auth_users', serverId: 'servers' } });
    backup.addTable({ table: 'alert_silences', label: 'alert silences', refs: { ownerId: 'auth_users', createdBy: 'auth_users', serverId: 'servers' } });
    backup.addTable({ table: 'alerts', label: 'alerts', history: true, refs: { ownerId: 'auth_users', serverId: 'servers' } });
    // Channels are configuration, their secrets opened into the (encrypted) backup and sealed
    // again for the new id on import; their delivery attempts are history.
    backup.addTable({ table: 'alert_channels', label: 'notification channels', sealed: ['secretsSealed'], refs: { createdBy: 'auth_users' }, naturalKeys: [['name']], describe: (r) => `notification channel ${String(r.name)} (${String(r.type)})` });
    backup.addTable({ table: 'alert_delivery_attempts', label: 'notification delivery attempts', history: true, refs: { channelId: 'alert_channels' } });
  },
});
