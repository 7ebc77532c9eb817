import { z } from 'zod';
import type { AlertNotification } from '../../notification';
import type { ChannelDefinition } from '../channel-definition';
import { endpointOf, httpUrl } from '../config-fields';
import { postJson } from '../http-post';
import { clip, colourOf, factsOf, titleOf } from '../message-text';

export const slackConfig = z.strictObject({
  /** `https://hooks.slack.com/services/T…/B…/…` (or Mattermost's, Rocket.Chat's…): the path is the secret. */
  webhookUrl: httpUrl(true),
  /** Honoured by Slack-compatible servers that allow overriding the poster's name (Mattermost); Slack ignores it. */
  username: z.string().min(1).max(80).optional(),
});
export type SlackConfig = z.infer<typeof slackConfig>;

/** Slack's mrkdwn control characters, escaped as Slack documents (&, <, >). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An incoming-webhook message: `text` (the notification line, and the fallback for clients that
 * show no attachments) plus one attachment with the colour, summary and facts. Attachments
 * rather than Block Kit because Slack-compatible servers (Mattermost, Rocket.Chat) render them
 * too.
 */
export function slackBody(n: AlertNotification, username?: string): Record<string, unknown> {
  const hex = `#${colourOf(n).toString(16).padStart(6, '0')}`;
  return {
    ...(username ? { username } : {}),
    text: clip(slackEscape(titleOf(n)), 3000),
    attachments: [
      {
        fallback: clip(slackEscape(`${titleOf(n)}: ${n.summary}`), 3000),
        color: hex,
        title: clip(slackEscape(n.subject), 250),
        text: clip(slackEscape(n.summary), 3000),
        fields: factsOf(n).map((f) => ({ title: slackEscape(f.label), value: slackEscape(f.value), short: true })),
        footer: 'Tomo',
        ts: Math.floor(Date.parse(n.resolvedAt ?? n.startedAt) / 1000),
      },
    ],
  };
}

/** A Slack-compatible incoming webhook. */
export const slackChannel: ChannelDefinition<SlackConfig> = {
  type: 'slack',
  config: slackConfig,
  secretFields: ['webhookUrl'],
  settings: (c) => ({ endpoint: endpointOf(c.webhookUrl), ...(c.username ? { username: c.username } : {}) }),
  deliver: (n, c, context) => postJson(c.webhookUrl, JSON.stringify(slackBody(n, c.username)), {}, context),
};
