import { z } from 'zod';

/** `alerts.delivery:` in the configuration: how hard Tomo tries to deliver a notification. */
export const deliveryConfigSchema = z
  .strictObject({
    /**
     * The waits before each retry, in milliseconds: a failed first attempt is retried after
     * 1 s, then 5 s, 30 s, 2 min and 10 min (6 attempts over about 13 minutes) before it is given up.
     */
    retryDelaysMs: z.array(z.number().int().min(0).max(86_400_000)).max(20).default([1000, 5000, 30_000, 120_000, 600_000]),
    /** One attempt is abandoned after this long (HTTP request or SMTP session). */
    attemptTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    /** A channel shows as failing after this many failed attempts in a row (or when a delivery is given up). */
    failingAfterAttempts: z.number().int().min(1).max(100).default(3),
    /** Notifications waiting per channel; beyond, new ones are recorded as failed at once rather than piling up behind a dead receiver. */
    queueLimit: z.number().int().min(1).max(10_000).default(200),
  })
  .default({ retryDelaysMs: [1000, 5000, 30_000, 120_000, 600_000], attemptTimeoutMs: 10_000, failingAfterAttempts: 3, queueLimit: 200 });

export type DeliveryConfig = z.output<typeof deliveryConfigSchema>;
