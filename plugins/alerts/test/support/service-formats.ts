import { z } from 'zod';

/**
 * The request bodies each service documents, written from their documentation as zod schemas
 * (strict where the service rejects or ignores unknown fields, with its documented limits), so
 * the local receivers refuse what the real service would not understand.
 */

/** ntfy, "Publish as JSON": POST to the server root; topic required; priority 1–5; tags are strings (emoji short codes). */
export const ntfyPublishJson = z.strictObject({
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/),
  message: z.string().optional(),
  title: z.string().optional(),
  tags: z.array(z.string()).optional(),
  priority: z.number().int().min(1).max(5).optional(),
  actions: z.array(z.unknown()).optional(),
  click: z.string().url().optional(),
  attach: z.string().url().optional(),
  markdown: z.boolean().optional(),
  icon: z.string().url().optional(),
  filename: z.string().optional(),
  delay: z.string().optional(),
  email: z.string().optional(),
  call: z.string().optional(),
});

/** Gotify, `POST /message` (model MessageExternal): message required; title, priority (int), extras (namespaced maps). */
export const gotifyMessage = z.strictObject({
  message: z.string().min(1),
  title: z.string().optional(),
  priority: z.number().int().min(0).optional(),
  extras: z.record(z.string().regex(/^[a-z]+::[a-z]+$/i), z.record(z.string(), z.unknown())).optional(),
});

/** Discord, "Execute Webhook": one of content/embeds; content ≤ 2000; ≤ 10 embeds; embed limits as documented. */
const discordEmbed = z.strictObject({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  url: z.string().url().optional(),
  timestamp: z.iso.datetime().optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  footer: z.strictObject({ text: z.string().max(2048), icon_url: z.string().optional() }).optional(),
  fields: z.array(z.strictObject({ name: z.string().min(1).max(256), value: z.string().min(1).max(1024), inline: z.boolean().optional() })).max(25).optional(),
});
export const discordExecuteWebhook = z
  .strictObject({
    content: z.string().max(2000).optional(),
    username: z.string().min(1).max(80).optional(),
    avatar_url: z.string().url().optional(),
    tts: z.boolean().optional(),
    embeds: z.array(discordEmbed).max(10).optional(),
    allowed_mentions: z.strictObject({ parse: z.array(z.enum(['roles', 'users', 'everyone'])), roles: z.array(z.string()).optional(), users: z.array(z.string()).optional() }).optional(),
  })
  .refine((b) => b.content || (b.embeds && b.embeds.length), 'Cannot send an empty message')
  // Discord counts every embed's title, description, field names and values and footer: at most 6000 in all.
  .refine((b) => (b.embeds ?? []).reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0), 0) <= 6000, 'embeds over 6000 characters');

/** Slack, incoming webhook: `text` (mrkdwn, the notification and fallback) and/or legacy `attachments` / `blocks`. */
const slackAttachment = z.strictObject({
  fallback: z.string().optional(),
  color: z.string().regex(/^(#[0-9a-fA-F]{6}|good|warning|danger)$/).optional(),
  pretext: z.string().optional(),
  title: z.string().optional(),
  title_link: z.string().optional(),
  text: z.string().optional(),
  fields: z.array(z.strictObject({ title: z.string(), value: z.string(), short: z.boolean().optional() })).optional(),
  footer: z.string().optional(),
  ts: z.number().int().optional(),
});
export const slackIncomingWebhook = z
  .strictObject({
    text: z.string().optional(),
    blocks: z.array(z.record(z.string(), z.unknown())).optional(),
    attachments: z.array(slackAttachment).optional(),
    username: z.string().optional(),
    icon_emoji: z.string().optional(),
    icon_url: z.string().optional(),
    channel: z.string().optional(),
    mrkdwn: z.boolean().optional(),
  })
  .refine((b) => b.text || b.blocks?.length || b.attachments?.length, 'no_text');

/** A checker for {@link HttpReceiver.start}: refuses (400, the service's way) a body its schema rejects. */
export function refuseUnless(schema: z.ZodType, extra?: (req: { url: string; headers: Record<string, string | string[] | undefined> }) => string | null) {
  return (req: { url: string; headers: Record<string, string | string[] | undefined>; json: unknown }) => {
    const problem = extra?.(req) ?? null;
    if (problem) return { status: 401, body: JSON.stringify({ error: problem }) };
    const parsed = schema.safeParse(req.json);
    return parsed.success ? null : { status: 400, body: JSON.stringify({ error: parsed.error.issues[0].message, path: parsed.error.issues[0].path }) };
  };
}
