import path from 'node:path';
import { definePlugin, KernelTokens } from '@tomo/kernel';
import { ActivityTokens } from '@tomo/plugin-activity/api';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { wireChannels } from './channels/wire-channels';
import { alertsConfigSchema } from './config';
import { DeliveryAttemptEntity } from './entities/delivery-attempt.entity';
import { NotificationChannelEntity } from './entities/notification-channel.entity';
import { AlertEntity } from './entities/alert.entity';
import { AlertRuleEntity } from './entities/alert-rule.entity';
import { SilenceEntity } from './entities/silence.entity';
import { AlertEngine } from './evaluation/alert-engine';
import { AlertQueries } from './evaluation/alert-queries';
import { tapAlertEvents } from './evaluation/event-taps';
import { registerAlertTools } from './mcp/alert-tools';
import { registerRuleTools } from './mcp/rule-tools';
import { AlertsInitial1765410000000 } from './migrations/1765410000000-alerts-initial';
import { AlertsDefaultRules1765410100000 } from './migrations/1765410100000-alerts-default-rules';
import { AlertsChannels1765420000000 } from './migrations/1765420000000-alerts-channels';
import { NOTIFICATION_SENDER, type NotificationSender } from './notification';
import { registerAlertRoutes } from './routes/alerts.routes';
import { registerRuleRoutes } from './routes/rules.routes';
import { registerSilenceRoutes } from './routes/silences.routes';
import { RuleService } from './rules/rule-service';
import { SilenceService } from './silences/silence-service';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** How often time-based resolutions are checked (bursts of failed logins over, one-shot events aged out). */
const SWEEP_MS = 30 * 1000;

/** Alerts: rules evaluated on each monitoring poll and on the other plugins' events, silences, notifications. */
export const alertsPlugin = definePlugin({
  id: 'alerts',
  version,
  description: 'Alert rules on metrics and events, silences and maintenance windows, notifications to channels',
  // It taps the hooks of every plugin whose events can fire an alert, reads servers and users,
  // and records what changes in the activity log.
  dependsOn: ['auth', 'servers', 'preparation', 'apps', 'monitoring', 'activity'],
  config: alertsConfigSchema,
  deps: { clock: KernelTokens.Clock, cluster: KernelTokens.Cluster, vault: KernelTokens.Vault, servers: ServersTokens.ServerService, users: AuthTokens.UserService, activity: ActivityTokens.ActivityLog },
  entities: [AlertRuleEntity, AlertEntity, SilenceEntity, NotificationChannelEntity, DeliveryAttemptEntity],
  migrations: [AlertsInitial1765410000000, AlertsDefaultRules1765410100000, AlertsChannels1765420000000],

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

  async init(ctx, { clock, cluster, vault, servers, users, activity }) {
    // Channels and delivery: their routes and tools, and the NotificationSender the engine sends through.
    const { dispatcher } = wireChannels(ctx, { vault, clock, activity, delivery: ctx.config.delivery, version });
    ctx.container.register<NotificationSender>(NOTIFICATION_SENDER, { useValue: dispatcher });
    let engine: AlertEngine | null = null;
    const rules = new RuleService(ctx.dataSource, servers, activity, clock, () => void engine?.reloadRules());
    const silences = new SilenceService(ctx.dataSource, servers, rules, activity, clock);
    engine = new AlertEngine(ctx.dataSource, {
      clock,
      logger: ctx.logger.child({ component: 'alert-engine' }),
      activity,
      // Looked up at each send: the channels' sender registers itself in this plugin's container.
      sender: () => (ctx.container.isRegistered(NOTIFICATION_SENDER, true) ? ctx.container.resolve<NotificationSender>(NOTIFICATION_SENDER) : null),
      silenced: (alert, at) => silences.covers(alert, at),
      loadRules: async () => {
        const admins = new Set((await users.list()).filter((u) => u.role === 'admin').map((u) => u.id));
        return (await rules.enabled()).map((rule) => ({ rule, coversAll: rule.ownerId === null || admins.has(rule.ownerId) }));
      },
    });
    // Loaded now, before the poller's first round (monitoring starts it when ready): what fired before a restart is known.
    await engine.start();
    const alerts = new AlertQueries(ctx.dataSource);
    tapAlertEvents({ hooks: ctx.hooks, engine, servers, logger: ctx.logger });
    registerRuleRoutes(ctx, rules, servers, engine);
    registerAlertRoutes(ctx, alerts);
    registerSilenceRoutes(ctx, silences);
    registerRuleTools(ctx, rules);
    registerAlertTools(ctx, alerts, silences);
    const started = engine;
    ctx.onReady(() => {
      // Several instances on one database: only the leader sweeps (it also gets the poll events).
      const timer = setInterval(() => {
        if (cluster.isLeader()) void started.sweep();
      }, SWEEP_MS);
      timer.unref();
      ctx.onShutdown(async () => {
        clearInterval(timer);
        await started.idle();
      });
    });
  },
});

export { alertsBackupTablesModule } from './backup-tables';

export default alertsPlugin;
