import { z } from 'zod';

/** The `servers:` section of the configuration. */
export const serversConfigSchema = z.strictObject({
  ssh: z
    .strictObject({
      /** Connect + key exchange + authentication must finish within this, in ms. */
      handshakeTimeoutMs: z.number().int().min(1000).max(120000).default(10000),
      /** Default deadline of one command, in ms (callers may pass their own). */
      commandTimeoutMs: z.number().int().min(1000).max(3600000).default(60000),
      /** Keepalive probe interval, in ms; three missed probes close the connection. */
      keepaliveIntervalMs: z.number().int().min(1000).max(300000).default(15000),
      /** A pooled connection unused this long is closed, in ms. */
      idleCloseMs: z.number().int().min(1000).max(86400000).default(300000),
      /** Commands run at once on one connection (OpenSSH allows 10 sessions by default). */
      maxChannelsPerConnection: z.number().int().min(1).max(64).default(8),
    })
    .prefault({}),
});

export type ServersConfig = z.output<typeof serversConfigSchema>;
export type SshConfig = ServersConfig['ssh'];
