/**
 * The fields each kind of channel asks for in the "New channel" dialog, and how the form's text
 * becomes the `config` of `POST /api/alerts/channels`. The backend checks the config again (its
 * zod schema per type); this table only shapes the form. Secret fields are password inputs, and
 * their values are never shown again: a channel's view lists them by name only.
 */
import type { ChannelSetting, ChannelType } from './types';

export interface ChannelField {
  key: string;
  label: string;
  /** `list`: comma-separated text sent as an array; `number`: sent as a number; `choice`: one of `options`. */
  kind: 'text' | 'url' | 'email' | 'number' | 'secret' | 'list' | 'choice' | 'pem';
  required?: boolean;
  hint?: string;
  placeholder?: string;
  options?: ReadonlyArray<{ value: string; label: string }>;
  /** The form's starting value. */
  initial?: string;
}

export interface ChannelKind {
  type: ChannelType;
  label: string;
  fields: readonly ChannelField[];
}

export const CHANNEL_KINDS: readonly ChannelKind[] = [
  {
    type: 'webhook',
    label: 'Webhook (JSON, signed)',
    fields: [
      { key: 'url', label: 'URL', kind: 'url', required: true, placeholder: 'https://example.com/hooks/tomo', hint: 'Tomo POSTs a JSON body there (see the webhook guide).' },
      {
        key: 'secret',
        label: 'Signing secret',
        kind: 'secret',
        hint: 'At least 16 characters; the receiver checks the HMAC-SHA256 signature with it. Leave empty and Tomo makes one, shown once.',
      },
    ],
  },
  {
    type: 'ntfy',
    label: 'ntfy',
    fields: [
      { key: 'serverUrl', label: 'Server', kind: 'url', initial: 'https://ntfy.sh', required: true },
      { key: 'topic', label: 'Topic', kind: 'text', required: true, hint: 'Letters, digits, - and _.' },
      { key: 'token', label: 'Access token', kind: 'secret', hint: 'Only for a protected topic (tk_…).' },
    ],
  },
  {
    type: 'gotify',
    label: 'Gotify',
    fields: [
      { key: 'serverUrl', label: 'Server', kind: 'url', required: true, placeholder: 'https://gotify.example.com' },
      { key: 'appToken', label: 'Application token', kind: 'secret', required: true, hint: 'Gotify: Apps → Create Application.' },
    ],
  },
  {
    type: 'discord',
    label: 'Discord',
    fields: [
      { key: 'webhookUrl', label: 'Webhook URL', kind: 'secret', required: true, hint: "Channel settings → Integrations → Webhooks. The URL holds the webhook's token, so it is kept secret." },
      { key: 'username', label: 'Post as', kind: 'text', hint: "Optional: overrides the webhook's name." },
    ],
  },
  {
    type: 'slack',
    label: 'Slack (or Mattermost, Rocket.Chat)',
    fields: [
      { key: 'webhookUrl', label: 'Incoming webhook URL', kind: 'secret', required: true, hint: 'The URL holds the secret, so it is kept secret.' },
      { key: 'username', label: 'Post as', kind: 'text', hint: 'Optional; Slack itself ignores it.' },
    ],
  },
  {
    type: 'email',
    label: 'Email (SMTP)',
    fields: [
      { key: 'host', label: 'SMTP server', kind: 'text', required: true, placeholder: 'smtp.example.com' },
      { key: 'port', label: 'Port', kind: 'number', required: true, initial: '587' },
      {
        key: 'security',
        label: 'Encryption',
        kind: 'choice',
        initial: 'starttls',
        options: [
          { value: 'starttls', label: 'STARTTLS (usually port 587)' },
          { value: 'tls', label: 'TLS from the start (usually port 465)' },
        ],
      },
      { key: 'from', label: 'From', kind: 'email', required: true, placeholder: 'tomo@example.com' },
      { key: 'to', label: 'To', kind: 'list', required: true, hint: 'One or more addresses, separated by commas.' },
      { key: 'username', label: 'User name', kind: 'text', hint: 'Leave empty when the server needs no sign-in.' },
      { key: 'password', label: 'Password', kind: 'secret' },
      { key: 'caCertificate', label: 'Trusted certificate (PEM)', kind: 'pem', hint: "Optional: a self-signed server's certificate or its CA." },
    ],
  },
];

export function channelKind(type: ChannelType): ChannelKind {
  return CHANNEL_KINDS.find((k) => k.type === type) ?? CHANNEL_KINDS[0];
}

/** The form's starting values for a type. */
export function blankValues(type: ChannelType): Record<string, string> {
  return Object.fromEntries(channelKind(type).fields.map((f) => [f.key, f.initial ?? '']));
}

/** The config as the API takes it, or the messages of the fields at fault. */
export function configFrom(type: ChannelType, values: Record<string, string>): { config: Record<string, unknown> } | { errors: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of channelKind(type).fields) {
    const text = field.kind === 'secret' || field.kind === 'pem' ? (values[field.key] ?? '') : (values[field.key] ?? '').trim();
    if (!text.trim()) {
      if (field.required) errors[field.key] = `Enter the ${field.label.toLowerCase()}`;
      continue;
    }
    if (field.kind === 'number') {
      const number = Number(text);
      if (!Number.isInteger(number) || number < 1 || number > 65535) errors[field.key] = 'Enter a whole number from 1 to 65535';
      else config[field.key] = number;
    } else if (field.kind === 'list') {
      config[field.key] = text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
    } else if (field.kind === 'url' && !/^https?:\/\/\S+$/i.test(text)) {
      errors[field.key] = 'Enter an http:// or https:// URL';
    } else {
      config[field.key] = text;
    }
  }
  return Object.keys(errors).length ? { errors } : { config };
}

/** A channel's non-secret settings as one line: "https://ntfy.sh · alerts". */
export function settingsLine(settings: Record<string, ChannelSetting>): string {
  return Object.entries(settings)
    .filter(([, value]) => value !== false && value !== '' && !(Array.isArray(value) && !value.length))
    .map(([key, value]) => (value === true ? key : Array.isArray(value) ? value.join(', ') : String(value)))
    .join(' · ');
}
