import { z } from 'zod';

const throttle = (attempts: number, windowSeconds: number) =>
  z
    .strictObject({
      /** Failed attempts allowed in the window before further attempts are refused. */
      attempts: z.number().int().min(1).max(10000).default(attempts),
      windowSeconds: z.number().int().min(1).max(86400).default(windowSeconds),
    })
    .prefault({});

/** The `auth:` section of the configuration. */
export const authConfigSchema = z.strictObject({
  /** Lifetime of a login session, e.g. `12h`, `30m`, `7d`. */
  sessionTtl: z
    .string()
    .regex(/^\d+[smhd]$/, 'must be a number followed by s, m, h or d (e.g. 12h)')
    .default('12h'),
  /** bcrypt work factor; 12 or more. */
  bcryptCost: z.number().int().min(12).max(16).default(12),
  throttle: z
    .strictObject({
      perClient: throttle(30, 900),
      perUsername: throttle(10, 900),
    })
    .prefault({}),
});

export type AuthConfig = z.output<typeof authConfigSchema>;

/** `12h` → milliseconds. */
export function durationMs(value: string): number {
  const n = Number(value.slice(0, -1));
  const unit = value.slice(-1);
  const factor = { s: 1000, m: 60000, h: 3600000, d: 86400000 }[unit as 's' | 'm' | 'h' | 'd'];
  return n * factor;
}
