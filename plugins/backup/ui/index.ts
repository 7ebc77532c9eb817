/**
 * The backup plugin's console panel, loaded by the shell at run time from
 * `/ui/plugins/backup/index.js`. The plugin's UI contribution (src/plugin.ts) names this export:
 * the admin-only route `/backup` → `BackupPage`.
 */
import './backup.css';

/** Settings → Backup: export to an encrypted file; import one (upload, preview, apply). */
export { default as BackupPage } from './BackupPage.vue';
