import { AsyncSeriesHook } from 'tapable';
import { defineHookSet, type CallContext } from '@tomo/kernel';
import type { InstallationView } from './views';

/** Events of the apps plugin (`call` says who, and through which door). None carries a secret value. */
export const appsHooks = defineHookSet('apps', () => ({
  /** An install finished: `installation.state` is `running`, or `failed` with `error`. */
  installFinished: new AsyncSeriesHook<[{ installation: InstallationView; call: CallContext }]>(['event']),
  appStarted: new AsyncSeriesHook<[{ installation: InstallationView; call: CallContext }]>(['event']),
  appStopped: new AsyncSeriesHook<[{ installation: InstallationView; call: CallContext }]>(['event']),
  appUninstalled: new AsyncSeriesHook<[{ installation: InstallationView; dataDeleted: boolean; call: CallContext }]>(['event']),
  /**
   * An update finished: `updated` (the new version answers), `failed` (it did not get as far as
   * changing the app: the old container runs again), `rolled_back` (the new version failed and the
   * previous one runs again on the snapshot's data) or `rollback_failed`. `reason` says why it failed.
   */
  appUpdated: new AsyncSeriesHook<[{ installation: InstallationView; result: 'updated' | 'failed' | 'rolled_back' | 'rollback_failed'; from: string; to: string; reason: string | null; call: CallContext }]>(['event']),
  /**
   * The app went back to an earlier version and data: automatically after a failed update
   * (`automatic`), or asked for by hand (`rollback_app`). `error` is set when it did not work.
   */
  appRolledBack: new AsyncSeriesHook<[{ installation: InstallationView; automatic: boolean; to: string; snapshot: string | null; error: string | null; call: CallContext }]>(['event']),
  /** The catalog was (re)loaded. */
  catalogReloaded: new AsyncSeriesHook<[{ apps: number; errors: number }]>(['event']),
}));
