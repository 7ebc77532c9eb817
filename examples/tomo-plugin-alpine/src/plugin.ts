/**
 * tomo-plugin-alpine: a third-party Tomo plugin, built and shipped on its own (npm pack), loaded
 * from Tomo's plugin folder at start — no rebuild of Tomo or its console. It contributes:
 * - an OS preparer for Alpine Linux (preparation's `preparation.osPreparers` extension point);
 * - a catalog of Alpine-based apps (apps' `apps.catalogs` extension point);
 * - an entity with its migration (`alpine_mirrors`), routes and an MCP tool (`alpine_set_mirror`);
 * - that table in Tomo's backups (backup's `backup.tables` extension point);
 * - a console page (/alpine) and a dashboard card, from its own Vite build (dist/ui).
 */
import path from 'node:path';
import { definePlugin, definePluginModule } from '@tomo/kernel';
import { appsCatalogsExtensionPoint } from '@tomo/plugin-apps/api';
import { backupTablesExtensionPoint } from '@tomo/plugin-backup/api';
import { preparationOsPreparersExtensionPoint } from '@tomo/plugin-preparation/api';
import { alpinePreparer } from './alpine-preparer';
import { registerMirrorRoutes, setMirrorTool } from './mirror-routes';
import { AlpineMirrorEntity, AlpineMirrorsInitial1790000000000 } from './mirror-entity';

const ROOT = path.join(__dirname, '..');

/**
 * The kernel API this package was written and built against. A literal, not the imported
 * KERNEL_API_VERSION: at run time that constant is the running Tomo's, so it would always match;
 * this way a Tomo with another kernel API refuses the plugin with a clear message.
 */
const BUILT_FOR_KERNEL_API = 1;

export const alpinePlugin = definePlugin({
  id: 'alpine',
  version: '1.0.0',
  apiVersion: BUILT_FOR_KERNEL_API,
  description: 'Alpine Linux: OS preparer, Alpine-based apps, apk mirrors',
  dependsOn: ['servers'],
  entities: [AlpineMirrorEntity],
  migrations: [AlpineMirrorsInitial1790000000000],
  ui: {
    bundleDir: path.join(ROOT, 'dist', 'ui'),
    entry: 'index.js',
    routes: [{ path: '/alpine', component: 'AlpinePage', title: 'Alpine' }],
    nav: [{ label: 'Alpine', path: '/alpine', order: 80 }],
    widgets: [{ id: 'alpine-summary', component: 'AlpineWidget', title: 'Alpine Linux', order: 50 }],
  },
  init(ctx) {
    registerMirrorRoutes(ctx);
    ctx.mcp.tool(setMirrorTool(ctx));
  },
});

/** The preparer, added to the preparation plugin exactly as its built-in ones are. */
export const alpinePreparerModule = definePluginModule({
  id: 'alpine-preparer',
  targetPlugin: 'preparation',
  version: '1.0.0',
  apiVersion: BUILT_FOR_KERNEL_API,
  register(ctx) {
    ctx.getExtensionPoint(preparationOsPreparersExtensionPoint).addPreparer(alpinePreparer);
  },
});

/** The catalog (catalog/*.yaml in this package), added to the apps plugin's catalog. */
export const alpineCatalogModule = definePluginModule({
  id: 'alpine-catalog',
  targetPlugin: 'apps',
  version: '1.0.0',
  apiVersion: BUILT_FOR_KERNEL_API,
  register(ctx) {
    ctx.getExtensionPoint(appsCatalogsExtensionPoint).addFolder({ dir: path.join(ROOT, 'catalog'), id: 'plugin:alpine', label: 'Alpine apps (tomo-plugin-alpine)' });
  },
});

/**
 * The mirrors in Tomo's backups, declared the way Tomo's own plugins declare their tables. A
 * mirror belongs to its server: it is added, replaced or skipped with it on import, and follows
 * the server's id when the server matched one the target already had.
 */
export const alpineBackupModule = definePluginModule({
  id: 'alpine-backup',
  targetPlugin: 'backup',
  version: '1.0.0',
  apiVersion: BUILT_FOR_KERNEL_API,
  register(ctx) {
    ctx.getExtensionPoint(backupTablesExtensionPoint).addTable({ table: 'alpine_mirrors', label: 'apk mirrors', owner: { column: 'serverId', table: 'servers' } });
  },
});
