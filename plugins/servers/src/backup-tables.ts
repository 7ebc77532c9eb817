import { definePluginModule } from '@tomo/kernel';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * Servers (credentials and pinned host keys) in backups, declared by their owner through
 * `backup.tables`; a module targeting backup, so servers does not depend on it.
 */
export const serversBackupTablesModule = definePluginModule({
  id: 'servers-backup-tables',
  targetPlugin: 'backup',
  version,
  register(ctx) {
    ctx.getExtensionPoint(backupTablesExtensionPoint).addTable({
      table: 'servers',
      label: 'servers',
      sealed: ['credentialsSealed'],
      refs: { ownerId: 'auth_users' },
      // Tomo's own rule: names are unique per owner. Host and port are not a key: two entries may
      // reach the same machine (as another user, or with another key).
      naturalKeys: [['ownerId', 'name']],
      describe: (r) => `server ${String(r.name)} (${String(r.host)}:${String(r.port)})`,
    });
  },
});
