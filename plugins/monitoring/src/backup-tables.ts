import { definePluginModule } from '@tomo/kernel';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * The metrics history in backups, declared by its owner through
 * `backup.tables`: history, so only with `--include-history`, row for row by primary key, with the
 * ids of users, servers and installed apps remapped when they matched other ones on import.
 * A module targeting backup, so monitoring does not depend on it.
 */
export const monitoringBackupTablesModule = definePluginModule({
  id: 'monitoring-backup-tables',
  targetPlugin: 'backup',
  version,
  register(ctx) {
    const backup = ctx.getExtensionPoint(backupTablesExtensionPoint);
    backup.addTable({ table: 'metric_samples', label: 'metric samples', history: true, refs: { serverId: 'servers' } });
    backup.addTable({ table: 'metric_rollups', label: 'metric rollups', history: true, refs: { serverId: 'servers' } });
    backup.addTable({ table: 'container_samples', label: 'app metric samples', history: true, refs: { serverId: 'servers', installationId: 'app_installations' } });
    backup.addTable({ table: 'container_rollups', label: 'app metric rollups', history: true, refs: { serverId: 'servers', installationId: 'app_installations' } });
    // Where the rollups stand: carried with the samples, so the target does not roll them up twice.
    backup.addTable({ table: 'metric_rollup_watermarks', label: 'rollup watermarks', history: true });
  },
});
