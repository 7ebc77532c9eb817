/**
 * Several Tomo instances on one PostgreSQL database (issue 24): one of them, the leader, runs the
 * background work that must happen once per interval (the metrics poller, rollups, retention,
 * update checks, alert evaluation); every instance serves HTTP and MCP. Messages published on a
 * channel reach every instance (its own included), so a cache or a live stream stays right
 * whichever instance a client talks to. On SQLite there is one instance: it always leads and
 * messages stay in the process.
 */
export interface Cluster {
  /** This instance's name in logs and `/metrics` (host and process id). */
  readonly instance: string;
  /**
   * Whether other instances may share the database (PostgreSQL). When false (SQLite), there is
   * nothing to tell anyone: a plugin can skip publishing what only other instances would need.
   */
  readonly shared: boolean;
  /** Whether this instance runs the once-per-interval work now. Checked at every tick. */
  isLeader(): boolean;
  /** Calls `listener` with the new state whenever leadership is gained or lost; returns an unsubscribe. */
  onLeadershipChange(listener: (leader: boolean) => void): () => void;
  /**
   * Sends `message` (JSON-serialisable, at most 7000 bytes as JSON: PostgreSQL's NOTIFY limit) to every
   * instance's subscribers of `channel`, this one's included. Resolves once it is sent.
   */
  publish(channel: string, message: unknown): Promise<void>;
  /** Receives the messages published on `channel` from now on; returns an unsubscribe. */
  subscribe(channel: string, listener: (message: unknown) => void): () => void;
  /**
   * The instances running now, this one included (on PostgreSQL: those with a cluster connection
   * open to the database). Work an instance left "in progress" is over once it is not listed.
   */
  liveInstances(): Promise<string[]>;
}

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; the envelope takes some of it. */
export const MAX_MESSAGE_BYTES = 7000;

/** A channel name: a plugin id, a dot, and a name (`monitoring.poll-state`). */
export const CLUSTER_CHANNEL_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
