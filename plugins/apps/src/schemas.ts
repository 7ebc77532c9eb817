import { z } from 'zod';

/*
 * Input schemas of the routes and tools. The install request's deep rules (ports declared by the
 * app, settings, capabilities) are checked against the definition by `resolveInstallRequest`;
 * these schemas fix the shape and the sizes, so nothing oversized reaches that far.
 */

export const serverIdParams = z.strictObject({ serverId: z.uuid('must be a valid server id') });
export const installationIdParams = z.strictObject({ id: z.uuid('must be a valid installation id') });
export const appIdParams = z.strictObject({ appId: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters') });

export const catalogQuery = z.strictObject({
  q: z.string().max(200, 'must be at most 200 characters').optional(),
  category: z.string().max(64, 'must be at most 64 characters').optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(5000, 'must be at most 5000').optional(),
});

const hostPort = z.number().int('must be a whole number').min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535');

export const installRequestSchema = z.strictObject({
  appId: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  ports: z
    .record(z.string().regex(/^\d{1,5}\/(tcp|udp)$/, 'keys must look like "80/tcp"'), hostPort.nullable())
    .refine((r) => Object.keys(r).length <= 64, 'at most 64 ports')
    .optional(),
  settings: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'names must be environment variable names'), z.string().max(4096, 'must be at most 4096 characters'))
    .refine((r) => Object.keys(r).length <= 200, 'at most 200 settings')
    .optional(),
  capabilities: z.array(z.string().max(32, 'must be at most 32 characters')).max(64, 'at most 64 capabilities').optional(),
});

export const uninstallQuery = z.strictObject({
  deleteData: z.enum(['true', 'false'], 'must be "true" or "false"').optional(),
});
