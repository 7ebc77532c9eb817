/**
 * The kernel API version a plugin is built for. Bumped only when a change would break
 * existing plugins; a plugin declaring another version is refused by name at start-up.
 */
export const KERNEL_API_VERSION = 1;

/** The kernel package's own version (shown in `/api/status`). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const KERNEL_VERSION: string = (require('../package.json') as { version: string }).version;
