import { z } from 'zod';

/** The `terminal:` section of the configuration. */
export const terminalConfigSchema = z.strictObject({
  /** Off: no terminal can be opened (403 `terminal_disabled`); a terminal is as powerful as the server's SSH login. */
  enabled: z.boolean().default(true),
  /** A terminal with no keystroke and no output for this long is closed (WebSocket close code 4408). Fractions allowed. */
  idleTimeoutMinutes: z.number().positive().max(24 * 60).default(15),
  /** Open terminals per user (pending ones count), across servers and containers. */
  maxPerUser: z.number().int().min(1).max(100).default(4),
  /** Open terminals in all. */
  maxTotal: z.number().int().min(1).max(1000).default(20),
  /** A terminal whose socket dropped (no DELETE) stays open this long for a reconnect; its output meanwhile is kept (last 64 KiB). */
  reconnectGraceSeconds: z.number().min(0).max(3600).default(30),
});

export type TerminalConfig = z.output<typeof terminalConfigSchema>;
