import type { PluginContext } from '@tomo/kernel';
import type { ChannelService } from '../channels/channel-service';
import { channelAnswerSchema, channelIdParams, channelListSchema, createChannelInput, createdChannelSchema, deliveryListSchema } from '../channels/channel-views';

/** `/api/alerts/channels`: everyone signed in lists (to pick channels in rules); admins create, delete, test and read deliveries. */
export function registerChannelRoutes(ctx: PluginContext, channels: ChannelService): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/alerts/channels',
    summary: 'Notification channels, with health; never a secret (every signed-in user, to pick them in rules)',
    access: 'authenticated',
    response: channelListSchema,
    handler: async () => ({ channels: await channels.list() }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/alerts/channels',
    summary: 'Create a notification channel (admin); its secrets are stored encrypted and never returned',
    description:
      'A webhook created without `config.secret` gets a generated signing secret, returned once as `signingSecret`. ' +
      'Config per type: webhook { url, secret? }; ntfy { serverUrl?, topic, token? }; gotify { serverUrl, appToken }; discord { webhookUrl, username? }; slack { webhookUrl, username? }; ' +
      'email { host, port? (587), security? (starttls | tls), from, to[], username?, password?, caCertificate? }.',
    access: 'admin',
    body: createChannelInput,
    response: createdChannelSchema,
    successStatus: 201,
    handler: ({ body }, call) => channels.create(body, call),
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/alerts/channels/:id',
    summary: 'Delete a notification channel and its delivery history (admin)',
    access: 'admin',
    params: channelIdParams,
    handler: async ({ params }, call) => {
      await channels.delete(params.id, call);
    },
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/alerts/channels/:id/test',
    summary: 'Send a test notification to a channel (admin); its attempts show in the deliveries',
    access: 'admin',
    params: channelIdParams,
    response: channelAnswerSchema,
    successStatus: 202,
    handler: async ({ params }, call) => ({ channel: await channels.test(params.id, call) }),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/alerts/channels/:id/deliveries',
    summary: "A channel's delivery attempts, newest first (admin): outcome, response code, error, time, duration",
    access: 'admin',
    params: channelIdParams,
    response: deliveryListSchema,
    handler: async ({ params }) => ({ deliveries: await channels.deliveries(params.id) }),
  });
}
