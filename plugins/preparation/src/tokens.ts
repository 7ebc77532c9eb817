import { createServiceToken } from '@tomo/kernel';
import type { PreparationApi } from './preparation-api';

/** Service tokens the preparation plugin exposes in the root container, typed with their contracts. */
export const PreparationTokens = Object.freeze({
  PreparationService: createServiceToken<PreparationApi>('preparation.PreparationService'),
});
