import { z } from 'zod';

export const serverIdParams = z.strictObject({ id: z.uuid('must be a valid server id') });

/** Options of a run (HTTP body). The sudo password is for this run only and never stored. */
export const startInput = z.strictObject({
  sudoPassword: z.string().min(1, 'must not be empty').max(1024, 'is too long').optional(),
  dockerSource: z.enum(['auto', 'official', 'distribution'], 'must be "auto", "official" or "distribution"').optional(),
});

export const logQuery = z.strictObject({
  afterId: z.coerce.number().int().min(0, 'must be 0 or more').optional(),
});

/** An OS as `/etc/os-release` describes it, for asking which preparer and plan would run. */
export const planInput = z.strictObject({
  id: z.string().regex(/^[a-z0-9._-]{1,64}$/, 'must be an os-release ID (lower-case letters, digits, ".", "_", "-")'),
  versionId: z.string().regex(/^[A-Za-z0-9._~-]{1,64}$/, 'must be an os-release VERSION_ID'),
  idLike: z.array(z.string().regex(/^[a-z0-9._-]{1,64}$/, 'must be os-release IDs')).max(10, 'at most 10 entries').default([]),
  architecture: z.string().max(32, 'is too long').default('x86_64'),
});
