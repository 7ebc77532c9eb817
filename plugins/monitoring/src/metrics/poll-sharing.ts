import type { Cluster } from '@tomo/kernel';
import type { Logger } from 'pino';
import type { LatestSamples } from './latest-samples';
import type { PolledState, Poller } from './poller';

/** The channel polls are shared on (several instances on one PostgreSQL database). */
export const POLLED_CHANNEL = 'monitoring.polled';

/** One message: a poll's verdict, and a part of its apps' states (a message holds at most 7000 bytes). */
interface PolledMessage {
  from: string;
  serverId: string;
  polled: PolledState;
  /** Which part of the containers this is, and of how many (1 of 1 for most servers). */
  part: number;
  parts: number;
}

/** Apps per message: a container status is ~200-300 bytes as JSON. */
const CONTAINERS_PER_MESSAGE = 15;

/**
 * Keeps every instance's poll states as the leader's: the leader publishes each poll; the others
 * apply it (server status, apps' states) and drop their cached newest sample of that server, so
 * the next read takes the one the leader just wrote. On SQLite (one instance) messages come back
 * to the leader itself, which ignores its own.
 */
export function sharePolls(cluster: Cluster, poller: Poller, latest: LatestSamples, logger: Logger): { publish(serverId: string, polled: PolledState): void; stop(): void } {
  const pending = new Map<string, PolledState>();
  const stop = cluster.subscribe(POLLED_CHANNEL, (raw) => {
    const message = raw as PolledMessage;
    if (message.from === cluster.instance) return;
    // Parts of one poll arrive in order (one sender, one channel): collect the containers, apply at the last.
    const collected = message.part === 1 ? message.polled : { ...message.polled, containers: [...(pending.get(message.serverId)?.containers ?? []), ...message.polled.containers] };
    if (message.part < message.parts) {
      pending.set(message.serverId, collected);
      return;
    }
    pending.delete(message.serverId);
    poller.applyRemote(message.serverId, collected);
    latest.forget(message.serverId);
  });
  const publish = (serverId: string, polled: PolledState) => {
    const parts = Math.max(1, Math.ceil(polled.containers.length / CONTAINERS_PER_MESSAGE));
    void (async () => {
      for (let part = 1; part <= parts; part += 1) {
        const containers = polled.containers.slice((part - 1) * CONTAINERS_PER_MESSAGE, part * CONTAINERS_PER_MESSAGE);
        await cluster.publish(POLLED_CHANNEL, { from: cluster.instance, serverId, polled: { ...polled, containers }, part, parts } satisfies PolledMessage);
      }
    })().catch((err: Error) => logger.warn({ err: err.message, serverId }, 'Sharing a poll with the other instances failed'));
  };
  return { publish, stop };
}
