import path from 'node:path';
import { z } from 'zod';
import { STORE_FORMATS } from './catalog/stores/store-types';

/** The `apps:` section of the configuration. */
export const appsConfigSchema = z.strictObject({
  /**
   * Folder on each server under which every installation gets its own data folder
   * (`<dataRoot>/<container name>`). Docker creates it as root on first use.
   */
  dataRoot: z
    .string()
    .refine((p) => path.posix.isAbsolute(p) && path.posix.normalize(p) !== '/', 'must be an absolute path other than /')
    .default('/srv/tomo/apps'),
  /** Deadline of one Docker Engine API request (not of a pull), in ms. */
  dockerTimeoutMs: z.number().int().min(1000).max(600000).default(30000),
  /** Seconds a container gets to stop after SIGTERM before Docker kills it (stop and uninstall). */
  stopTimeoutSeconds: z.number().int().min(0).max(600).default(10),
  /**
   * Minutes between the periodic checks for app updates (a new catalog version, or a new image
   * digest in the registry under an installed tag); 0 turns the periodic check off (on demand only).
   */
  updateCheckIntervalMinutes: z.number().int().min(0).max(10080).default(360),
  /** Deadline of an image pull, in ms. */
  pullTimeoutMs: z.number().int().min(10000).max(7200000).default(1800000),
});

export type AppsConfig = z.output<typeof appsConfigSchema>;

/**
 * The top-level `catalog:` section (read by the apps plugin from the whole configuration): extra
 * catalog folders of YAML definitions, or Portainer app-template (v2) JSON files. `TOMO_CATALOG_DIRS`
 * (separated like PATH) adds to it.
 */
export const catalogConfigSchema = z
  .strictObject({
    dirs: z.array(z.string().min(1, 'must not be empty')).default([]),
    /**
     * Community app stores laid out as their project publishes them (a git checkout the admin
     * made): CasaOS, Runtipi or Umbrel. See docs/catalog-format.md, "App stores".
     */
    stores: z
      .array(
        z.strictObject({
          format: z.enum(STORE_FORMATS, `must be one of: ${STORE_FORMATS.join(', ')}`),
          dir: z.string('must be the path of the store\'s folder').min(1, 'must not be empty'),
          /** Unique among the stores, kebab-case (default: the format); prefixes its apps' ids. */
          id: z.string().max(32, 'must be at most 32 characters').regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case: lowercase letters and digits separated by "-"').optional(),
          name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
          /** The store's licence (default: read from its LICENSE file). */
          licence: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
          /** Who maintains the store (default: its contributors, named after the store). */
          attribution: z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters').optional(),
        }),
      )
      .default([]),
  })
  .default({ dirs: [], stores: [] });

export type CatalogConfig = z.output<typeof catalogConfigSchema>;
