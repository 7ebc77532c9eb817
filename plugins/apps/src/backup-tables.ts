import path from 'node:path';
import { definePluginModule } from '@tomo/kernel';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';
import { extraCatalogEntries } from './catalog/extra-catalogs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * Installed apps (with their generated secrets) and the admin's own catalogs in backups, declared
 * by their owner through `backup.tables`; a module targeting backup, so apps does not depend on it.
 * Tomo's built-in catalog and plugins' catalogs are not carried: they come with the installation.
 */
export const appsBackupTablesModule = definePluginModule({
  id: 'apps-backup-tables',
  targetPlugin: 'backup',
  version,
  register(ctx) {
    const backup = ctx.getExtensionPoint(backupTablesExtensionPoint);
    backup.addTable({
      table: 'app_installations',
      label: 'installed apps',
      sealed: ['secretsSealed'],
      refs: { serverId: 'servers', ownerId: 'auth_users', createdBy: 'auth_users' },
      naturalKeys: [['serverId', 'containerName']],
      describe: (r) => `app ${String(r.appName)} (container ${String(r.containerName)})`,
    });
    backup.addFiles({
      id: 'apps.catalogs',
      // Read at each export: the folders configured now (a `.json` entry is one Portainer template file).
      locations: (config) =>
        extraCatalogEntries(config.sections.catalog).map((p) => ({ name: path.basename(p), path: p, kind: p.toLowerCase().endsWith('.json') ? 'portainer' : 'folder' })),
    });
  },
});
