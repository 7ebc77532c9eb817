import type { Logger } from 'pino';
import { lazyModule } from '../lazy/lazy-module';
import { encodeMessage, instanceName, Subscribers } from './local-cluster';
import type { Cluster } from './cluster-types';

const pg = lazyModule<typeof import('pg')>(require, 'pg');

/** The advisory lock key whose holder leads ("tomo" + "lead" in ASCII); migrations use another. */
const LEADER_LOCK_KEY = 0x746f6d6f6c656164n.toString();

/** NOTIFY channels are per database; the prefix keeps Tomo's apart from anything else on it. */
const channelName = (channel: string) => `tomo.${channel}`;

/** What a {@link PostgresCluster} needs. */
export interface PostgresClusterOptions {
  /** The database URL (holds a password: never logged). */
  url: string;
  /** How often a follower tries to take the lead, and a broken connection is made again, in ms. */
  checkMs: number;
  /** Runs `SELECT pg_notify(…)` through the kernel's pool. */
  notify(channel: string, payload: string): Promise<unknown>;
  logger: Logger;
}

/**
 * Leadership and messages for several instances on one PostgreSQL database, over ONE dedicated
 * connection per instance (not the pool's, whose connections come and go):
 *   - leadership is a session advisory lock on that connection (`pg_try_advisory_lock`, tried
 *     every `checkMs` by followers). When the leader dies, even by SIGKILL, its connection ends
 *     and PostgreSQL releases the lock at once: the next follower check takes over. When the
 *     connection breaks while the process lives on, the instance stops leading at once (it can
 *     no longer prove it holds the lock) and connects again at the next check;
 *   - messages are NOTIFY (sent through the pool) and LISTEN (on that connection). A message sent
 *     while an instance is reconnecting is lost for it: publish hints ("server X changed, read
 *     it"), never the only copy of data.
 */
export class PostgresCluster implements Cluster {
  readonly instance = instanceName();
  readonly shared = true;
  private client: import('pg').Client | undefined;
  private connecting: Promise<void> | undefined;
  private leader = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly leadershipListeners = new Set<(leader: boolean) => void>();
  private readonly subscribers = new Subscribers();
  private readonly channels = new Set<string>();

  constructor(private readonly options: PostgresClusterOptions) {}

  /** Connects, tries to lead once (so a lone instance leads before its plugins start), then keeps trying. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.checkMs);
    this.timer.unref();
  }

  /** Gives the lead up (so another instance takes over at its next check) and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    if (this.leader) this.setLeader(false);
    // Ending the session releases its advisory lock and LISTENs.
    await client?.end().catch(() => undefined);
  }

  isLeader(): boolean {
    return this.leader;
  }

  onLeadershipChange(listener: (leader: boolean) => void): () => void {
    this.leadershipListeners.add(listener);
    return () => this.leadershipListeners.delete(listener);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.options.notify(channelName(channel), encodeMessage(channel, message));
  }

  subscribe(channel: string, listener: (message: unknown) => void): () => void {
    const unsubscribe = this.subscribers.add(channel, listener);
    if (!this.channels.has(channel)) {
      this.channels.add(channel);
      this.client?.query(`LISTEN "${channelName(channel)}"`).catch((err: Error) => this.lost(this.client, err));
    }
    return unsubscribe;
  }

  private async check(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) await (this.connecting ??= this.connect().finally(() => (this.connecting = undefined)));
      const client = this.client;
      if (!client || this.leader) return;
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LEADER_LOCK_KEY]);
      if (result.rows[0]?.locked && this.client === client && !this.stopped) this.setLeader(true);
    } catch (err) {
      this.lost(this.client, err as Error);
    }
  }

  private async connect(): Promise<void> {
    const client = new (pg().Client)({ connectionString: this.options.url, application_name: `tomo-cluster ${this.instance}` });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (n) => {
      const channel = n.channel.startsWith('tomo.') ? n.channel.slice('tomo.'.length) : undefined;
      if (channel && n.payload !== undefined) this.subscribers.deliver(channel, n.payload, (err) => this.options.logger.error({ err, channel }, 'A cluster message listener failed'));
    });
    await client.connect();
    for (const channel of this.channels) await client.query(`LISTEN "${channelName(channel)}"`);
    if (this.stopped) {
      await client.end();
      return;
    }
    this.client = client;
  }

  /** The dedicated connection broke (or was closed): whatever it held is gone with it. */
  private lost(client: import('pg').Client | undefined, err: Error | undefined): void {
    if (!client || client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    // pg's connection errors name host and user, never the password.
    this.options.logger.warn({ err: err?.message }, 'Cluster connection to PostgreSQL lost; connecting again');
    if (this.leader) this.setLeader(false);
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    this.options.logger.info({ instance: this.instance }, leader ? 'This instance leads: it runs the background work' : 'This instance no longer leads');
    for (const listener of [...this.leadershipListeners]) {
      try {
        listener(leader);
      } catch (err) {
        this.options.logger.error({ err }, 'A leadership listener failed');
      }
    }
  }
}
