import { z } from 'zod';

/**
 * Input rules for servers, shared by HTTP, MCP and the console. Every value here may later sit
 * next to an SSH command or a remote log, so the rules are strict: no control characters, no
 * shell metacharacters, no leading "-" (which ssh-like tools read as an option).
 */
const NO_CONTROL = /^[^\p{Cc}]*$/u;
const SHELL_META = /[$`;|&<>\\"'*?{}[\]!#~]/;

export const serverNameSchema = z
  .string()
  .min(1, 'must be 1 to 64 characters')
  .max(64, 'must be 1 to 64 characters')
  .regex(NO_CONTROL, 'must not contain control characters or line breaks')
  .refine((v) => !v.startsWith('-'), 'must not start with "-"')
  .refine((v) => v.trim() === v && v.trim() !== '', 'must not start or end with spaces')
  .refine((v) => !SHELL_META.test(v), 'must not contain shell metacharacters ($ ` ; | & < > \\ " \' * ? { } [ ] ! # ~)');

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** A DNS name or an IPv4/IPv6 literal (IPv6 without brackets). */
export const hostSchema = z
  .string()
  .min(1, 'is required')
  .max(253, 'must be at most 253 characters')
  .refine((v) => !v.startsWith('-'), 'must not start with "-"')
  .refine(
    (v) => HOSTNAME.test(v) || z.ipv4().safeParse(v).success || z.ipv6().safeParse(v).success,
    'must be a DNS name (letters, digits, "-" and ".") or an IPv4/IPv6 address',
  );

export const portSchema = z.number('must be a number').int('must be a whole number').min(1, 'must be 1 to 65535').max(65535, 'must be 1 to 65535');

/** Login names as Linux and most directory services allow them, without anything a shell would read. */
export const sshUsernameSchema = z
  .string()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._@-]*$/, 'may hold only letters, digits, ".", "_", "@" and "-", and must not start with "-" or "."');

export const authTypeSchema = z.enum(['password', 'key'], 'must be "password" or "key"');

/** Credentials as sent by a client; write-only: never returned. */
export const credentialsSchema = z.strictObject({
  password: z.string().min(1, 'must not be empty').max(4096, 'is too long').optional(),
  privateKey: z.string().min(1, 'must not be empty').max(32768, 'is too long').optional(),
  passphrase: z.string().max(4096, 'is too long').optional(),
});
export type CredentialsInput = z.output<typeof credentialsSchema>;

export const createServerInput = z.strictObject({
  name: serverNameSchema,
  host: hostSchema,
  port: portSchema.default(22),
  username: sshUsernameSchema,
  authType: authTypeSchema,
  credentials: credentialsSchema,
});
export type CreateServerInput = z.output<typeof createServerInput>;

export const updateServerInput = z.strictObject({
  name: serverNameSchema.optional(),
  host: hostSchema.optional(),
  port: portSchema.optional(),
  username: sshUsernameSchema.optional(),
  authType: authTypeSchema.optional(),
  /** Omit to keep the stored credentials. */
  credentials: credentialsSchema.optional(),
});
export type UpdateServerInput = z.output<typeof updateServerInput>;

export const acceptHostKeyInput = z.strictObject({
  /** The fingerprint the admin checked, exactly as shown (`SHA256:…`). */
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a SHA256 fingerprint as shown (SHA256:…)'),
});

export const serverIdParams = z.strictObject({ id: z.uuid('must be a valid server id') });

export const systemFactsSchema = z.object({
  hostname: z.string().nullable(),
  osId: z.string().nullable(),
  osVersion: z.string().nullable(),
  osName: z.string().nullable(),
  kernel: z.string().nullable(),
  architecture: z.string().nullable(),
  cpuCount: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  rootDiskBytes: z.number().nullable(),
  dockerVersion: z.string().nullable(),
});
export type SystemFacts = z.output<typeof systemFactsSchema>;

export const serverStatusSchema = z.enum(['unknown', 'online', 'offline', 'error']);
export type ServerStatus = z.output<typeof serverStatusSchema>;

/** A server as every door shows it: `hasCredentials`, never the credentials. */
export const publicServerSchema = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  port: z.number(),
  username: z.string(),
  authType: authTypeSchema,
  hasCredentials: z.boolean(),
  hostKey: z
    .object({ fingerprint: z.string(), algorithm: z.string(), firstSeenAt: z.string() })
    .nullable(),
  /** A different key the server presented, waiting for an admin to accept it. */
  pendingHostKey: z.object({ fingerprint: z.string(), algorithm: z.string(), seenAt: z.string() }).nullable(),
  status: serverStatusSchema,
  lastError: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  facts: systemFactsSchema.nullable(),
  ownerId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PublicServer = z.output<typeof publicServerSchema>;

/** What `POST /api/servers/:id/test` and `test_connection` return; a failed connection is `ok: false`, not an HTTP error. */
export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  status: serverStatusSchema,
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  latency: z.object({ connectMs: z.number(), commandMs: z.number() }).optional(),
  hostKey: z.object({ fingerprint: z.string(), algorithm: z.string(), firstSeen: z.boolean() }).optional(),
  facts: systemFactsSchema.optional(),
});
