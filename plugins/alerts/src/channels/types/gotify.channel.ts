import { z } from 'zod';
import type { AlertNotification } from '../../notification';
import type { ChannelDefinition } from '../channel-definition';
import { httpUrl, secretText, withoutTrailingSlash } from '../config-fields';
import { postJson } from '../http-post';
import { clip, plainTextOf, titleOf } from '../message-text';

export const gotifyConfig = z.strictObject({
  serverUrl: httpUrl(false),
  /** The application's token (Gotify: Apps → Create Application). */
  appToken: secretText(256),
});
export type GotifyConfig = z.infer<typeof gotifyConfig>;

/** Gotify's clients notify loudly from priority 8, normally from 4. */
function priorityOf(n: AlertNotification): number {
  if (n.status !== 'firing') return 2;
  return n.severity === 'critical' ? 8 : n.severity === 'warning' ? 5 : 2;
}

/** The body of Gotify's `POST /message`. */
export function gotifyBody(n: AlertNotification): Record<string, unknown> {
  return {
    title: clip(titleOf(n), 250),
    message: clip(plainTextOf(n), 4000),
    priority: priorityOf(n),
    extras: { 'client::display': { contentType: 'text/plain' } },
  };
}

/** Gotify: `POST <server>/message` with the app token in `X-Gotify-Key` (a header, so it stays out of URLs in proxies' logs). */
export const gotifyChannel: ChannelDefinition<GotifyConfig> = {
  type: 'gotify',
  config: gotifyConfig,
  secretFields: ['appToken'],
  settings: (c) => ({ serverUrl: c.serverUrl }),
  deliver: (n, c, context) => postJson(`${withoutTrailingSlash(c.serverUrl)}/message`, JSON.stringify(gotifyBody(n)), { 'x-gotify-key': c.appToken }, context),
};
