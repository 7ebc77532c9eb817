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

/** What one successful poll of a server measured: the figures alert rules are evaluated on, in memory. */
export interface ServerPolledEvent extends PolledServer {
  /** When the poll ran. */
  at: Date;
  /** Share of the CPU busy since the previous poll, in percent; null on the first poll (no baseline). */
  cpuPercent: number | null;
  /** Memory in use, in percent of the total. */
  memoryPercent: number | null;
  /** Disk use of `/`, in percent. */
  diskRootPercent: number | null;
  /** Disk use of Docker's root folder's file system, in percent; null without Docker. */
  diskDockerPercent: number | null;
  /** The 1-minute load average. */
  load1: number | null;
  /** How long the poll's SSH command took, in milliseconds. */
  sshLatencyMs: number;
  /** The server's Tomo-managed apps as this poll saw them (state and Docker's words). */
  apps: Array<{ installationId: string; appName: string; state: string; detail: string | null }>;
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
  /** A poll of a server succeeded: its figures (alerts evaluate their rules on them). Called after every successful poll: keep taps quick. */
  serverPolled: new AsyncSeriesHook<[ServerPolledEvent]>(['event']),
}));
