import { z } from 'zod';
import { deliveryConfigSchema } from './delivery/delivery-config';

/** The `alerts:` section of the configuration. */
export const alertsConfigSchema = z.strictObject({
  /** How notifications are delivered: retries with backoff, the timeout of one attempt, when a channel shows as failing. */
  delivery: deliveryConfigSchema,
});

export type AlertsConfig = z.output<typeof alertsConfigSchema>;
