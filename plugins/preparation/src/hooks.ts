import { AsyncSeriesHook } from 'tapable';
import { defineHookSet, type CallContext } from '@tomo/kernel';

/** Events of the preparation plugin. */
export const preparationHooks = defineHookSet('preparation', () => ({
  /** A preparation started (or was retried). */
  preparationStarted: new AsyncSeriesHook<[{ serverId: string; preparationId: string; retry: boolean; userId: string | null; call?: CallContext }]>(['event']),
  /** It finished: completed, or failed at `failedStep` with `error`. */
  preparationFinished: new AsyncSeriesHook<[{ serverId: string; preparationId: string; status: 'completed' | 'failed'; failedStep: string | null; error: string | null }]>(['event']),
}));
