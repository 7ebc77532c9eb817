import { appsPlugin, builtInCatalogModule } from '../../../apps/src/plugin';
import { authPlugin } from '../../../auth/src/plugin';
import { backupPlugin } from '../../../backup/src/plugin';
import { BACKUP_TABLE_MODULES } from '../../../backup/test/support/backup-kernel';
import { monitoringBackupTablesModule, monitoringPlugin } from '../../../monitoring/src/plugin';
import { builtInPreparersModule, preparationPlugin } from '../../../preparation/src/plugin';
import { serversPlugin } from '../../../servers/src/plugin';
import { activityBackupTablesModule, activityPlugin } from '../../src/plugin';

/** The activity plugin and every plugin whose hooks it taps (its `dependsOn`), in start order. */
export const ACTIVITY_PLUGINS = [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin, monitoringPlugin, activityPlugin];
/** The built-in modules those plugins are started with in production: preparers, catalog, every owner's backup tables. */
export const ACTIVITY_MODULES = [builtInPreparersModule, builtInCatalogModule, ...BACKUP_TABLE_MODULES, monitoringBackupTablesModule, activityBackupTablesModule];
