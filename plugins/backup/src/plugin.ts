import path from 'node:path';
import { definePlugin, KernelTokens } from '@tomo/kernel';
import { BackupTokens, type BackupTables } from './api';
import { BackupService } from './backup-service';
import { backupCli } from './cli/backup-commands';
import { backupConfigSchema, type BackupConfig } from './config';
import { registerBackupRoutes } from './routes/backup.routes';
import { BUILTIN_TABLES, type TableSpec } from './tables';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** Encrypted export and import of the whole instance (`tomo export`, `tomo import`, Settings → Backup). */
export const backupPlugin = definePlugin<BackupConfig>({
  id: 'backup',
  version,
  description: 'Encrypted export and import of the whole instance (age format, password-protected)',
  // The tables it carries belong to these; it needs them migrated before it can read or write them.
  dependsOn: ['auth', 'servers', 'preparation', 'apps'],
  config: backupConfigSchema,
  cli: backupCli,
  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    routes: [{ path: '/backup', component: 'BackupPage', title: 'Backup', access: 'admin' }],
    nav: [{ label: 'Backup', path: '/backup', icon: 'archive', order: 92, access: 'admin' }],
  },

  init(ctx) {
    const specs: TableSpec[] = [...BUILTIN_TABLES];
    const tables: BackupTables = {
      add(spec) {
        if (specs.some((s) => s.table === spec.table)) throw new Error(`Backup table "${spec.table}" is declared twice`);
        specs.push(spec);
      },
    };
    const service = new BackupService({
      dataSource: ctx.dataSource,
      vault: ctx.resolve(KernelTokens.Vault),
      kernelConfig: ctx.kernelConfig,
      config: ctx.config,
      dataDir: ctx.pluginDataDir(),
      specs,
      logger: ctx.logger,
      hooks: ctx.hooks,
    });
    ctx.expose(BackupTokens.BackupService, { useValue: service });
    ctx.expose(BackupTokens.Tables, { useValue: tables });
    registerBackupRoutes(ctx, service, ctx.config.maxUploadMiB * 1024 * 1024);
  },
});

export default backupPlugin;
