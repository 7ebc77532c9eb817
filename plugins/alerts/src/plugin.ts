import path from 'node:path';
import { definePlugin, KernelTokens } from '@tomo/kernel';
import { alertsConfigSchema } from './config';
import { AlertEntity } from './entities/alert.entity';
import { AlertRuleEntity } from './entities/alert-rule.entity';
import { SilenceEntity } from './entities/silence.entity';
import { AlertsInitial1765410000000 } from './migrations/1765410000000-alerts-initial';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** Alerts: rules evaluated on each monitoring poll and on the other plugins' events, silences, notifications. */
export const alertsPlugin = definePlugin({
  id: 'alerts',
  version,
  description: 'Alert rules on metrics and events, silences and maintenance windows, notifications to channels',
  // It taps the hooks of every plugin whose events can fire an alert, reads servers and users,
  // and records what changes in the activity log.
  dependsOn: ['auth', 'servers', 'preparation', 'apps', 'monitoring', 'activity'],
  config: alertsConfigSchema,
  deps: { clock: KernelTokens.Clock },
  entities: [AlertRuleEntity, AlertEntity, SilenceEntity],
  migrations: [AlertsInitial1765410000000],

  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    routes: [
      { path: '/alerts', component: 'AlertsPage', title: 'Alerts' },
      { path: '/alerts/rules', component: 'RulesPage', title: 'Alert rules' },
      { path: '/alerts/channels', component: 'ChannelsPage', title: 'Notification channels', access: 'admin' },
    ],
    // The badge counts the caller's firing alerts (GET /api/alerts/summary).
    nav: [{ label: 'Alerts', path: '/alerts', icon: 'bell', order: 25, badge: 'FiringBadge' }],
  },

  init() {
    // Rules, evaluation, routes and tools are wired here as they land.
  },
});

export { alertsBackupTablesModule } from './backup-tables';

export default alertsPlugin;
