/**
 * What other plugins may use from the preparation plugin: the extension point for OS
 * preparers, the step building blocks the built-in preparers use, its hooks and types.
 */
import { AsyncSeriesHook } from 'tapable';
import { createExtensionPoint, createServiceToken, defineHookSet, type CallContext } from '@tomo/kernel';
import type { OsPreparersExtension } from './preparer-types';
import type { PreparationService } from './services/preparation-service';

export * from './preparer-types';
export type { PreparationService, PreparationStatus, PreparationView } from './services/preparation-service';

/** Add an OS preparer: `ctx.getExtensionPoint(preparationOsPreparersExtensionPoint).addPreparer(...)`. */
export const preparationOsPreparersExtensionPoint = createExtensionPoint<OsPreparersExtension>({ id: 'preparation.osPreparers' });

export const PreparationTokens = Object.freeze({
  PreparationService: createServiceToken<PreparationService>('preparation.PreparationService'),
});

/** Events of the preparation plugin. */
export const preparationHooks = defineHookSet('preparation', () => ({
  /** A preparation started (or was retried). */
  preparationStarted: new AsyncSeriesHook<[{ serverId: string; preparationId: string; retry: boolean; userId: string | null; call?: CallContext }]>(['event']),
  /** It finished: completed, or failed at `failedStep` with `error`. */
  preparationFinished: new AsyncSeriesHook<[{ serverId: string; preparationId: string; status: 'completed' | 'failed'; failedStep: string | null; error: string | null }]>(['event']),
}));
