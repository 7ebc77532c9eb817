import { z } from 'zod';
import type { AlertNotification } from '../../notification';
import type { ChannelDefinition } from '../channel-definition';
import { httpUrl, secretText, withoutTrailingSlash } from '../config-fields';
import { postJson } from '../http-post';
import { clip, plainTextOf, titleOf } from '../message-text';

export const ntfyConfig = z.strictObject({
  serverUrl: httpUrl(false).default('https://ntfy.sh'),
  /** ntfy's topic rule: letters, digits, - and _, up to 64. */
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1 to 64 letters, digits, - or _'),
  /** An access token (tk_…), for a protected topic. */
  token: secretText(256).optional(),
});
export type NtfyConfig = z.infer<typeof ntfyConfig>;

/** ntfy priorities: 1 min … 3 default … 5 max. */
function priorityOf(n: AlertNotification): number {
  if (n.status !== 'firing') return 3;
  return n.severity === 'critical' ? 5 : n.severity === 'warning' ? 4 : 3;
}

/** Tags ntfy shows as emoji (from its emoji short codes). */
function tagsOf(n: AlertNotification): string[] {
  if (n.status === 'resolved') return ['white_check_mark'];
  if (n.status === 'test') return ['test_tube'];
  return [n.severity === 'critical' ? 'rotating_light' : n.severity === 'warning' ? 'warning' : 'information_source'];
}

/** The body of ntfy's "publish as JSON" (POST to the server's root with the topic in the body). */
export function ntfyBody(n: AlertNotification, topic: string): Record<string, unknown> {
  return { topic, title: clip(titleOf(n), 250), message: clip(plainTextOf(n), 4000), priority: priorityOf(n), tags: tagsOf(n) };
}

/** ntfy (ntfy.sh or a self-hosted server), with an optional access token. */
export const ntfyChannel: ChannelDefinition<NtfyConfig> = {
  type: 'ntfy',
  config: ntfyConfig,
  secretFields: ['token'],
  settings: (c) => ({ serverUrl: c.serverUrl, topic: c.topic }),
  deliver: (n, c, context) =>
    postJson(`${withoutTrailingSlash(c.serverUrl)}/`, JSON.stringify(ntfyBody(n, c.topic)), c.token ? { authorization: `Bearer ${c.token}` } : {}, context),
};
