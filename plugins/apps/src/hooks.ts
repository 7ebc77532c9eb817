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
  /** The catalog was (re)loaded. */
  catalogReloaded: new AsyncSeriesHook<[{ apps: number; errors: number }]>(['event']),
}));
