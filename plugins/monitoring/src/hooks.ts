import { AsyncSeriesHook } from 'tapable';
import { defineHookSet } from '@tomo/kernel';

/** A server the poller has given up on, or one that answers again: which server, and whose. */
export interface PolledServer {
  serverId: string;
  /** The server's name at the time of the poll. */
  serverName: string;
  ownerId: string;
}

/** The poller's verdict after `offlineAfterFailures` failed polls in a row. */
export interface ServerWentOfflineEvent extends PolledServer {
  consecutiveFailures: number;
  /** The last poll's error, as the SSH layer worded it (never a credential). */
  error: string;
}

/** An app Tomo started whose container Docker reports exited or gone, while nobody was stopping it. */
export interface AppCrashedEvent {
  serverId: string;
  /** The app's owner, who may read what happened to it. */
  ownerId: string;
  installationId: string;
  appName: string;
  /** Docker's words (`Exited (137) 3 seconds ago`) or what Tomo saw (`the container is gone`). */
  detail: string;
}

/**
 * What the monitoring plugin sees happen with no one asking: the activity log taps these (as it
 * taps every other plugin's events); alerts could too. Taps should not throw: monitoring logs a
 * failed tap and carries on polling.
 */
export const monitoringHooks = defineHookSet('monitoring', () => ({
  /** A server failed enough polls in a row to be offline (announced once, until it answers again). */
  serverWentOffline: new AsyncSeriesHook<[ServerWentOfflineEvent]>(['event']),
  /** A server the poller had marked offline answered a poll again. */
  serverCameOnline: new AsyncSeriesHook<[PolledServer]>(['event']),
  /** An app's container stopped behind Tomo's back (announced once per crash). */
  appCrashed: new AsyncSeriesHook<[AppCrashedEvent]>(['event']),
}));
