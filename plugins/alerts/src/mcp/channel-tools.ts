import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import type { ChannelService } from '../channels/channel-service';
import { channelAnswerSchema, channelListSchema, createChannelInput, createdChannelSchema } from '../channels/channel-views';

const channelIdArg = z.string().min(1).max(64).describe('The channel\'s id (from list_notification_channels)');

/** `list_notification_channels`. */
export function listChannelsTool(channels: ChannelService): ToolDefinition<Record<string, never>> {
  return {
    name: 'list_notification_channels',
    title: 'List notification channels',
    description: 'The notification channels alerts can be sent to: { channels: [{ id, name, type, settings, secretFields, health (ok, failing, untested), lastDeliveryAt, lastError }] }. Use the ids in an alert rule\'s channelIds. Never includes secrets.',
    input: z.strictObject({}),
    output: channelListSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async () => ({ channels: await channels.list() }),
  };
}

/** `create_notification_channel`. */
export function createChannelTool(channels: ChannelService): ToolDefinition<z.output<typeof createChannelInput>> {
  return {
    name: 'create_notification_channel',
    title: 'Create notification channel',
    description:
      'Admins only. Create a channel alerts are delivered to. type and config: webhook { url, secret? } (Tomo\'s JSON, signed with HMAC-SHA256: without secret one is generated and returned once as signingSecret); ' +
      'ntfy { serverUrl? (default https://ntfy.sh), topic, token? }; gotify { serverUrl, appToken }; discord { webhookUrl, username? }; slack { webhookUrl, username? } (Slack-compatible incoming webhook); ' +
      'email { host, port? (587), security? (starttls | tls), from, to: [addresses], username?, password?, caCertificate? (PEM) }. Secrets are stored encrypted and never returned. Send a test with test_notification_channel next.',
    input: createChannelInput,
    output: createdChannelSchema,
    access: 'admin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: (a, call) => channels.create(a, call),
  };
}

/** `test_notification_channel`. */
export function testChannelTool(channels: ChannelService): ToolDefinition<{ channel_id: string }> {
  return {
    name: 'test_notification_channel',
    title: 'Test notification channel',
    description: 'Admins only. Queue a test notification to a channel and return at once with the channel; the attempts (retried with backoff on failure) update its health and lastError, and show in GET /api/alerts/channels/{id}/deliveries.',
    input: z.strictObject({ channel_id: channelIdArg }),
    output: channelAnswerSchema,
    access: 'admin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    handler: async (a, call) => ({ channel: await channels.test(a.channel_id, call) }),
  };
}

/** `delete_notification_channel`. */
export function deleteChannelTool(channels: ChannelService): ToolDefinition<{ channel_id: string }> {
  return {
    name: 'delete_notification_channel',
    title: 'Delete notification channel',
    description: 'Admins only. Delete a channel, its stored secrets and its delivery history. Rules that named it no longer send there. Returns { deleted: true, channelId }.',
    input: z.strictObject({ channel_id: channelIdArg }),
    output: z.strictObject({ deleted: z.literal(true), channelId: z.string() }),
    access: 'admin',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async (a, call) => {
      await channels.delete(a.channel_id, call);
      return { deleted: true as const, channelId: a.channel_id };
    },
  };
}
