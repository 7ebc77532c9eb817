import { z } from 'zod';

/** The `preparation:` section of the configuration. */
export const preparationConfigSchema = z.strictObject({
  /** Where Docker comes from: Docker's official repository with a fallback to the distribution's package (auto), or forced. */
  dockerSource: z.enum(['auto', 'official', 'distribution']).default('auto'),
  /** Deadline of one command of a step (package installs can be slow), in ms. */
  commandTimeoutMs: z.number().int().min(10000).max(3600000).default(900000),
});

export type PreparationConfig = z.output<typeof preparationConfigSchema>;
