import { definePlugin } from '@tomo/kernel';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { AppsTokens } from '@tomo/plugin-apps/api';
import { ActivityTokens } from '@tomo/plugin-activity/api';
import { terminalConfigSchema } from './config';
import { registerTerminalRoutes } from './routes';
import { TerminalService } from './terminal-service';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/**
 * A terminal in the browser: the login shell of a server over its pooled SSH connection, or a
 * shell in an app's container (a Docker exec with a tty over the same connection), carried by
 * a kernel WebSocket route. Its own plugin because it joins servers (the handle's `openShell`)
 * and apps (`containerShell`) and records activity, and because `terminal.enabled` (or leaving
 * the plugin out with `plugins.disabled`) removes it whole.
 */
export const terminalPlugin = definePlugin({
  id: 'terminal',
  version,
  description: 'Terminals in the browser: server shells over SSH and container shells over Docker exec',
  dependsOn: ['auth', 'servers', 'apps', 'activity'],
  config: terminalConfigSchema,
  deps: { servers: ServersTokens.ServerService, apps: AppsTokens.AppsService, activity: ActivityTokens.ActivityLog },

  init(ctx, { servers, apps, activity }) {
    const terminals = new TerminalService(ctx.config, servers, apps, activity, ctx.logger.child({ component: 'terminal' }));
    ctx.onShutdown(() => terminals.closeAll());
    registerTerminalRoutes(ctx, terminals);
  },
});

export default terminalPlugin;
