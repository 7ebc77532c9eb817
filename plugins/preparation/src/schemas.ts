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
