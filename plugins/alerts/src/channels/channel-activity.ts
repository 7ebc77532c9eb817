import type { AuthenticatedCall } from '@tomo/kernel';
import type { ActivityInput } from '@tomo/plugin-activity/api';
import type { NotificationChannelEntity } from '../entities/notification-channel.entity';

/** Which door a call came through, as the activity log names it (the activity plugin's own rule). */
function doorOf(call: AuthenticatedCall): ActivityInput['door'] {
  if (call.transport === 'mcp') return 'mcp';
  if (call.transport === 'cli') return 'cli';
  return call.fromConsole ? 'console' : 'api';
}

/** An activity entry about a channel: who, which door, the channel by name and type; never its config. */
export function channelActivity(action: 'create' | 'delete' | 'test', channel: Pick<NotificationChannelEntity, 'id' | 'name' | 'type'>, call: AuthenticatedCall): ActivityInput {
  return {
    action: `alert_channel.${action}`,
    result: 'ok',
    door: doorOf(call),
    userId: call.principal.id,
    username: call.principal.name,
    clientIp: call.clientIp,
    targetType: 'alert_channel',
    targetId: channel.id,
    targetName: channel.name,
    detail: action === 'test' ? `${channel.type} channel: a test notification was queued` : `${channel.type} channel`,
  };
}
