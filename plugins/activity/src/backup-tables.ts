import { definePluginModule } from '@tomo/kernel';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * The activity log in backups, declared by its owner through `backup.tables`: history, so only
 * with `--include-history`, row for row by primary key, with the ids of users and servers
 * remapped when they matched other ones on import.
 */
export const activityBackupTablesModule = definePluginModule({
  id: 'activity-backup-tables',
  targetPlugin: 'backup',
  version,
  register(ctx) {
    ctx.getExtensionPoint(backupTablesExtensionPoint).addTable({
      table: 'activity_log',
      label: 'activity log entries',
      history: true,
      refs: { userId: 'auth_users', ownerId: 'auth_users', serverId: 'servers' },
    });
  },
});
