import type { Clock, PluginContext, SecretVault } from '@tomo/kernel';
import type { ActivityLog } from '@tomo/plugin-activity/api';
import { AttemptLog } from '../delivery/attempt-log';
import type { DeliveryConfig } from '../delivery/delivery-config';
import { registerDeliveryMetrics } from '../delivery/delivery-metrics';
import { NotificationDispatcher } from '../delivery/notification-dispatcher';
import { createChannelTool, deleteChannelTool, listChannelsTool, testChannelTool } from '../mcp/channel-tools';
import { registerChannelRoutes } from '../routes/channels.routes';
import { ChannelService } from './channel-service';
import { ChannelStore } from './channel-store';

/**
 * Channels and delivery, put together for the plugin's `init`: the store, the attempt log, the
 * dispatcher (the plugin's NotificationSender, stopped on shutdown so no pending retry is lost
 * silently), the service, its routes and MCP tools.
 */
export function wireChannels(ctx: PluginContext, deps: { vault: SecretVault; clock: Clock; activity: ActivityLog; delivery: DeliveryConfig; version: string }) {
  const store = new ChannelStore(ctx.dataSource, deps.vault);
  const attempts = new AttemptLog(ctx.dataSource, deps.clock, deps.delivery.failingAfterAttempts);
  const dispatcher = new NotificationDispatcher(store, attempts, deps.delivery, `Tomo/${deps.version}`, ctx.logger.child({ component: 'alert-delivery' }), registerDeliveryMetrics(ctx.metrics));
  ctx.onShutdown(() => dispatcher.stop());
  const channels = new ChannelService(store, attempts, dispatcher, deps.vault, deps.clock, deps.activity);
  registerChannelRoutes(ctx, channels);
  ctx.mcp.tool(listChannelsTool(channels));
  ctx.mcp.tool(createChannelTool(channels));
  ctx.mcp.tool(testChannelTool(channels));
  ctx.mcp.tool(deleteChannelTool(channels));
  return { channels, dispatcher };
}
