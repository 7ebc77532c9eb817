import { definePluginModule } from '@tomo/kernel';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * Preparation states and logs in backups, declared by their owner through `backup.tables`; they
 * follow their server's fate. A module targeting backup, so preparation does not depend on it.
 */
export const preparationBackupTablesModule = definePluginModule({
  id: 'preparation-backup-tables',
  targetPlugin: 'backup',
  version,
  register(ctx) {
    const tables = ctx.getExtensionPoint(backupTablesExtensionPoint);
    tables.addTable({ table: 'preparations', label: 'preparation states', owner: { column: 'serverId', table: 'servers' }, refs: { startedBy: 'auth_users' } });
    tables.addTable({ table: 'preparation_logs', label: 'preparation log lines', owner: { column: 'serverId', table: 'servers' }, generatedId: true });
  },
});
