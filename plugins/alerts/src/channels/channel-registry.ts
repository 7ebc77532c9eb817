import { badRequest } from '@tomo/kernel';
import type { z } from 'zod';
import type { ChannelDefinition, ChannelType } from './channel-definition';
import { discordChannel } from './types/discord.channel';
import { emailChannel } from './types/email.channel';
import { gotifyChannel } from './types/gotify.channel';
import { ntfyChannel } from './types/ntfy.channel';
import { slackChannel } from './types/slack.channel';
import { webhookChannel } from './types/webhook.channel';

/** Every channel type by name. */
const DEFINITIONS: Record<ChannelType, ChannelDefinition> = {
  webhook: webhookChannel as unknown as ChannelDefinition,
  ntfy: ntfyChannel as unknown as ChannelDefinition,
  gotify: gotifyChannel as unknown as ChannelDefinition,
  discord: discordChannel as unknown as ChannelDefinition,
  slack: slackChannel as unknown as ChannelDefinition,
  email: emailChannel as unknown as ChannelDefinition,
};

export function channelDefinition(type: ChannelType): ChannelDefinition {
  return DEFINITIONS[type];
}

/**
 * Checks a config against its type's schema; a refusal is a 400 naming the field
 * (`config.<field>`) and the rule, never the value given (it may be a secret).
 */
export function parseChannelConfig(type: ChannelType, config: unknown): Record<string, unknown> {
  const parsed = DEFINITIONS[type].config.safeParse(config);
  if (parsed.success) return parsed.data;
  const issue: z.core.$ZodIssue = parsed.error.issues[0];
  let field = ['config', ...issue.path.map(String)].join('.');
  let rule = issue.message;
  if (issue.code === 'unrecognized_keys') {
    field = `${field}.${issue.keys[0]}`;
    rule = `unknown field for a ${type} channel`;
  } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    rule = 'is required';
  }
  throw badRequest(field, `${field}: ${rule}`);
}
