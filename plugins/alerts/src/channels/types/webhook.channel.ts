import { z } from 'zod';
import type { AlertNotification } from '../../notification';
import type { AttemptContext, ChannelDefinition } from '../channel-definition';
import { endpointOf, httpUrl } from '../config-fields';
import { postJson } from '../http-post';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../webhook-signature';

export const webhookConfig = z.strictObject({
  /** May hold credentials (user:password@ or a token in the path or query): sealed as a whole. */
  url: httpUrl(true),
  /** The HMAC key; Tomo generates one when it is not given (shown once, in the creation's answer). */
  secret: z.string().min(16, 'must be at least 16 characters').max(256).regex(/^[^\r\n]+$/, 'must be one line').optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfig>;

/** The JSON a generic webhook receives (docs/alerts-webhook.md); version 1. */
export function webhookBody(n: AlertNotification, context: AttemptContext): string {
  return JSON.stringify({
    version: 1,
    event: `alert.${n.status}`,
    deliveryId: context.deliveryId,
    attempt: context.attempt,
    sentAt: context.now.toISOString(),
    alert: {
      id: n.alertId,
      status: n.status,
      ruleId: n.ruleId,
      ruleName: n.ruleName,
      severity: n.severity,
      serverId: n.serverId,
      serverName: n.serverName,
      subject: n.subject,
      summary: n.summary,
      value: n.value,
      threshold: n.threshold,
      startedAt: n.startedAt,
      resolvedAt: n.resolvedAt,
    },
  });
}

/** A generic webhook: Tomo's own JSON, signed with HMAC-SHA256 over `timestamp.body`. */
export const webhookChannel: ChannelDefinition<WebhookConfig> = {
  type: 'webhook',
  config: webhookConfig,
  secretFields: ['url', 'secret'],
  settings: (c) => ({ endpoint: endpointOf(c.url) }),
  async deliver(n, c, context) {
    const body = webhookBody(n, context);
    const timestamp = Math.floor(context.now.getTime() / 1000);
    // The service always stores a secret (generated when none was given).
    const secret = c.secret ?? '';
    return postJson(c.url, body, {
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
      'x-tomo-event': `alert.${n.status}`,
      'x-tomo-delivery': context.deliveryId,
    }, context);
  },
};
