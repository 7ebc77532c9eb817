import os from 'node:os';
import { CLUSTER_CHANNEL_PATTERN, MAX_MESSAGE_BYTES, type Cluster } from './cluster-types';

/** Checks a publish's channel and size the same way on both engines, so a plugin finds out on SQLite too. */
export function encodeMessage(channel: string, message: unknown): string {
  if (!CLUSTER_CHANNEL_PATTERN.test(channel)) throw new Error(`Cluster channel "${channel}" must be <plugin id>.<name> (lower case)`);
  const json = JSON.stringify(message);
  if (json === undefined) throw new Error(`Cluster message on "${channel}" is not JSON-serialisable`);
  if (Buffer.byteLength(json) > MAX_MESSAGE_BYTES) throw new Error(`Cluster message on "${channel}" is over ${MAX_MESSAGE_BYTES} bytes: publish an id and let instances read the rest from the database`);
  return json;
}

/** Subscribers by channel, and delivery to them (a throwing listener does not stop the others). */
export class Subscribers {
  private readonly byChannel = new Map<string, Set<(message: unknown) => void>>();

  add(channel: string, listener: (message: unknown) => void): () => void {
    const set = this.byChannel.get(channel) ?? new Set();
    this.byChannel.set(channel, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  deliver(channel: string, json: string, onError: (err: unknown) => void): void {
    const set = this.byChannel.get(channel);
    if (!set?.size) return;
    const message: unknown = JSON.parse(json);
    for (const listener of [...set]) {
      try {
        listener(message);
      } catch (err) {
        onError(err);
      }
    }
  }
}

/** The instance name: which host and process, as operators see it in `ps` and logs. */
export function instanceName(): string {
  return `${os.hostname()}:${process.pid}`;
}

/** One instance (SQLite): always the leader; messages delivered in the process, asynchronously like NOTIFY. */
export class LocalCluster implements Cluster {
  readonly instance = instanceName();
  readonly shared = false;
  private readonly subscribers = new Subscribers();

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  isLeader(): boolean {
    return true;
  }

  onLeadershipChange(): () => void {
    return () => undefined;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    const json = encodeMessage(channel, message);
    setImmediate(() => this.subscribers.deliver(channel, json, this.onListenerError));
  }

  subscribe(channel: string, listener: (message: unknown) => void): () => void {
    return this.subscribers.add(channel, listener);
  }
}
