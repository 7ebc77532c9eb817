import { z } from 'zod';
import { CHANNEL_TYPES } from './channel-definition';

/** The HTTP answers and MCP results about channels (contract: alerts-contract.md). */

const settingValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

export const channelViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  /** Non-secret settings only. */
  settings: z.record(z.string(), settingValue),
  /** Names of the secret fields that are set; their values are never returned. */
  secretFields: z.array(z.string()),
  health: z.enum(['ok', 'failing', 'untested']),
  lastDeliveryAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
export type ChannelView = z.infer<typeof channelViewSchema>;

export const deliveryViewSchema = z.strictObject({
  id: z.string(),
  channelId: z.string(),
  alertId: z.string().nullable(),
  status: z.enum(['firing', 'resolved', 'test']),
  attempt: z.number().int(),
  outcome: z.enum(['sent', 'failed', 'retrying']),
  responseCode: z.number().int().nullable(),
  error: z.string().nullable(),
  at: z.string(),
  durationMs: z.number().int(),
});
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

export const channelAnswerSchema = z.strictObject({ channel: channelViewSchema });

/** The creation's answer: for a webhook whose signing secret Tomo generated, that secret, shown this once. */
export const createdChannelSchema = z.strictObject({
  channel: channelViewSchema,
  signingSecret: z.string().optional().describe('Only for a webhook channel created without a secret: the generated HMAC key. Shown this once; store it in the receiver.'),
});

export const channelListSchema = z.strictObject({ channels: z.array(channelViewSchema) });
export const deliveryListSchema = z.strictObject({ deliveries: z.array(deliveryViewSchema) });

/** What creating a channel takes (HTTP body; the MCP tool takes the same fields). */
export const createChannelInput = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  type: z.enum(CHANNEL_TYPES),
  /** Checked against the type's own schema by the service (so HTTP and MCP name the same field). */
  config: z.record(z.string(), z.unknown()).describe(
    'Per type: webhook { url, secret? }; ntfy { serverUrl?, topic, token? }; gotify { serverUrl, appToken }; discord { webhookUrl, username? }; slack { webhookUrl, username? }; email { host, port?, security? (starttls|tls), from, to[], username?, password?, caCertificate? }',
  ),
});
export type CreateChannelInput = z.infer<typeof createChannelInput>;

export const channelIdParams = z.strictObject({ id: z.string().min(1).max(64) });
