import { definePluginModule } from '@tomo/kernel';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';
import { upgradeAppMetricRow, upgradeServerMetricRow } from './backup-row-upgrades';

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
    // The series' integer keys first (backup orders tables by refs): matched by server or app on
    // import, given new integers there, which the samples and rollups pointing at them follow.
    backup.addTable({ table: 'metric_series', label: 'metric series', history: true, refs: { serverId: 'servers' }, naturalKeys: [['serverId']], generatedId: true });
    backup.addTable({ table: 'container_series', label: 'app metric series', history: true, refs: { serverId: 'servers', installationId: 'app_installations' }, naturalKeys: [['installationId']], generatedId: true });
    // Backups from before the series keys (release 0.1) carry ids and measured values: upgraded row by row.
    backup.addTable({ table: 'metric_samples', label: 'metric samples', history: true, refs: { seriesId: 'metric_series' }, upgradeRow: upgradeServerMetricRow });
    backup.addTable({ table: 'metric_rollups', label: 'metric rollups', history: true, refs: { seriesId: 'metric_series' }, upgradeRow: upgradeServerMetricRow });
    backup.addTable({ table: 'container_samples', label: 'app metric samples', history: true, refs: { seriesId: 'container_series' }, upgradeRow: upgradeAppMetricRow });
    backup.addTable({ table: 'container_rollups', label: 'app metric rollups', history: true, refs: { seriesId: 'container_series' }, upgradeRow: upgradeAppMetricRow });
    // Where the rollups stand: carried with the samples, so the target does not roll them up twice.
    backup.addTable({ table: 'metric_rollup_watermarks', label: 'rollup watermarks', history: true });
  },
});
