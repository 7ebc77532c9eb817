import { z } from 'zod';
import type { AlertNotification } from '../../notification';
import type { ChannelDefinition } from '../channel-definition';
import { endpointOf, httpUrl } from '../config-fields';
import { postJson } from '../http-post';
import { clip, colourOf, factsOf, titleOf } from '../message-text';

export const discordConfig = z.strictObject({
  /** `https://discord.com/api/webhooks/<id>/<token>`: the token is in the path, so the whole URL is a secret. */
  webhookUrl: httpUrl(true),
  /** Overrides the webhook's default name. */
  username: z.string().min(1).max(80).optional(),
});
export type DiscordConfig = z.infer<typeof discordConfig>;

/**
 * Discord's "Execute Webhook" body: `content` plus one embed, within Discord's limits (content
 * 2000, embed title 256, description 4096, up to 25 fields of name 256 / value 1024).
 * `allowed_mentions: { parse: [] }` so a server or rule name such as "@everyone" pings nobody.
 */
export function discordBody(n: AlertNotification, username?: string): Record<string, unknown> {
  return {
    ...(username ? { username } : {}),
    content: clip(titleOf(n), 2000),
    embeds: [
      {
        title: clip(n.subject, 256),
        description: clip(n.summary, 4096),
        color: colourOf(n),
        fields: factsOf(n).slice(0, 25).map((f) => ({ name: clip(f.label, 256), value: clip(f.value || '-', 1024), inline: true })),
        timestamp: n.resolvedAt ?? n.startedAt,
        footer: { text: 'Tomo' },
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

/** A Discord channel's incoming webhook. */
export const discordChannel: ChannelDefinition<DiscordConfig> = {
  type: 'discord',
  config: discordConfig,
  secretFields: ['webhookUrl'],
  settings: (c) => ({ endpoint: endpointOf(c.webhookUrl), ...(c.username ? { username: c.username } : {}) }),
  deliver: (n, c, context) => postJson(c.webhookUrl, JSON.stringify(discordBody(n, c.username)), {}, context),
};
