import type { z } from 'zod';
import type { AlertNotification } from '../notification';

/** The kinds of channel Tomo delivers to. */
export const CHANNEL_TYPES = ['webhook', 'ntfy', 'gotify', 'discord', 'slack', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A non-secret setting as a view shows it. */
export type SettingValue = string | number | boolean | string[];

/** What one attempt needs besides the notification and the channel's config. */
export interface AttemptContext {
  /** Stays the same across the retries of one notification to one channel (receivers may de-duplicate on it). */
  deliveryId: string;
  /** 1 for the first try. */
  attempt: number;
  /** The attempt is abandoned after this long. */
  timeoutMs: number;
  /** `Tomo/<version>`: sent as User-Agent. */
  userAgent: string;
  now: Date;
}

/** What a successful attempt reports. */
export interface AttemptOutcome {
  /** The HTTP status or the SMTP reply code; null when the transport has none. */
  responseCode: number | null;
}

/**
 * One channel type: how its config is checked, which of its fields are secrets, what a view may
 * show, and how one attempt is made. An attempt that fails throws a {@link DeliveryFailure}.
 */
export interface ChannelDefinition<C extends Record<string, unknown> = Record<string, unknown>> {
  type: ChannelType;
  /** The config as an admin gives it (a strict zod object: unknown fields are refused). */
  config: z.ZodType<C>;
  /** Top-level config fields that are secrets: sealed by the vault, never in a view, log or record. */
  secretFields: readonly string[];
  /** The config's non-secret settings for a view (URLs that hold a secret are shown only by their origin). */
  settings(config: C): Record<string, SettingValue>;
  /** Makes one attempt; resolves when the receiver accepted it. */
  deliver(notification: AlertNotification, config: C, context: AttemptContext): Promise<AttemptOutcome>;
}

/** A failed attempt, with what the receiver answered; the message must never hold a secret (it is scrubbed again before it is stored). */
export class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly responseCode: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}
