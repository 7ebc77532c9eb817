import { createServiceToken } from '@tomo/kernel';
import type { AppsApi } from './apps-api';

/** Service tokens the apps plugin exposes in the root container, typed with their contracts. */
export const AppsTokens = Object.freeze({
  AppsService: createServiceToken<AppsApi>('apps.AppsService'),
});
