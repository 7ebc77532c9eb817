import { z } from 'zod';

/** The `backup:` section of the configuration. */
export const backupConfigSchema = z.strictObject({
  /**
   * scrypt work factor (log2 N) of new backups. age's default, 18, takes a few seconds to open
   * on purpose (it slows down guessing). Lower values are for tests only.
   */
  scryptWorkFactor: z.number().int().min(10).max(20).default(18),
  /** Largest backup accepted by the console upload, in MiB (the CLI has no limit). */
  maxUploadMiB: z.number().int().min(1).max(64 * 1024).default(2048),
});

export type BackupConfig = z.output<typeof backupConfigSchema>;
