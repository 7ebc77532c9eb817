import path from 'node:path';
import { definePlugin, KernelTokens, listTables } from '@tomo/kernel';
import { BackupTokens, backupTablesExtensionPoint } from './api';
import { LocalBackupService } from './backup-service';
import { backupCli } from './cli/backup-commands';
import { backupConfigSchema } from './config';
import { registerBackupRoutes } from './routes/backup.routes';
import { TableRegistry } from './tables/table-registry';
import { undeclaredTables } from './tables/undeclared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** Encrypted export and import of the whole instance (`tomo export`, `tomo import`, Settings → Backup). */
export const backupPlugin = definePlugin({
  id: 'backup',
  version,
  description: 'Encrypted export and import of the whole instance (age format, password-protected)',
  // None: the tables it carries are declared by their owners through `backup.tables`, and every
  // plugin's migrations have run before any `init`. Without the auth plugin its routes answer 401.
  dependsOn: [],
  config: backupConfigSchema,
  deps: { vault: KernelTokens.Vault },
  cli: backupCli,
  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    routes: [{ path: '/backup', component: 'BackupPage', title: 'Backup', access: 'admin' }],
    nav: [{ label: 'Backup', path: '/backup', icon: 'archive', order: 92, access: 'admin' }],
  },

  register(ctx) {
    const registry = new TableRegistry();
    ctx.registerExtensionPoint(backupTablesExtensionPoint, registry);
    // Filled by modules through the extension point before init, which gets it back from here.
    return { registry };
  },

  async init(ctx, { vault }, { registry }) {
    // Throws (and so stops start-up) when a declared table names one nobody declares.
    const declared = registry.resolve();
    const present = await listTables(ctx.dataSource);
    const undeclared = undeclaredTables(present, declared.specs, declared.leftOut);
    if (undeclared.length) {
      // An admin should hear it before the day they need the backup: these are only in one made with --include-history, row for row.
      ctx.logger.warn({ tables: undeclared }, 'No plugin declares these tables for backups: they travel only with --include-history, row for row, without matching rules');
    }
    const service = new LocalBackupService({
      dataSource: ctx.dataSource,
      vault,
      kernelConfig: ctx.kernelConfig,
      config: ctx.config,
      dataDir: ctx.pluginDataDir(),
      declared,
      logger: ctx.logger,
      hooks: ctx.hooks,
    });
    ctx.expose(BackupTokens.BackupService, { useValue: service });
    registerBackupRoutes(ctx, service, ctx.config.maxUploadMiB * 1024 * 1024);
  },
});

export default backupPlugin;
