import type { Logger } from 'pino';
import type { Cluster } from '@tomo/kernel';
import type { PreparationView } from '../views';
import type { LocalPreparationChange, PreparationLog } from './preparation-log';

/** The cluster channel on which an instance says that a preparation it runs changed. */
export const PREPARATION_CHANNEL = 'preparation.live';

type PreparationChange = LocalPreparationChange & { from: string };

/**
 * Several instances on one PostgreSQL database (issue 24): a preparation runs on the instance
 * that started it, but its live log may be watched through any instance. The running instance
 * announces each line, state change and end (ids only: NOTIFY payloads are small); every other
 * instance reads what changed from the database and emits it to its own listeners (the
 * `/preparation/events` streams), in order and only while someone there is watching.
 * Returns the unsubscribe. Nothing to do on SQLite (one instance).
 */
export function relayPreparationsAcrossInstances(cluster: Cluster, log: PreparationLog, currentView: (serverId: string) => Promise<PreparationView>, logger: Logger): () => void {
  if (!cluster.shared) return () => {};
  // Sent one after another: each NOTIFY goes through whichever pooled connection is free, so
  // changes sent at once could arrive in any order (an `end` before the run's last line).
  let sending: Promise<void> = Promise.resolve();
  log.announceWith((change) => {
    sending = sending
      .then(() => cluster.publish(PREPARATION_CHANNEL, { ...change, from: cluster.instance } satisfies PreparationChange))
      .catch((err: Error) => logger.warn({ err: err.message }, 'Telling the other instances of a preparation change failed'));
  });

  // Per server being prepared elsewhere: the last line id this instance has emitted or skipped.
  const lastLine = new Map<string, number>();
  const watched = (serverId: string) => log.events.listenerCount(`line:${serverId}`) > 0;

  async function relay(change: PreparationChange): Promise<void> {
    const { serverId } = change;
    if (change.kind === 'line' && !lastLine.has(serverId)) lastLine.set(serverId, change.lineId - 1);
    const after = lastLine.get(serverId);
    if (after !== undefined && watched(serverId)) {
      // Every line after the last one emitted, read in id order from the rows.
      const lines = await log.read(serverId, { afterId: after });
      for (const line of lines) log.events.emit(`line:${serverId}`, line);
      if (lines.length > 0) lastLine.set(serverId, lines[lines.length - 1].id);
    } else if (change.kind === 'line') {
      // Nobody watches here: a stream opened later reads the lines from the database itself.
      lastLine.set(serverId, Math.max(after ?? 0, change.lineId));
    }
    if (change.kind === 'state' && log.events.listenerCount(`state:${serverId}`) > 0) log.events.emit(`state:${serverId}`, await currentView(serverId));
    if (change.kind === 'end') {
      lastLine.delete(serverId);
      log.events.emit(`end:${serverId}`);
    }
  }

  // One change at a time, in the order they arrive, so a server's lines go out in order.
  let queue: Promise<void> = Promise.resolve();
  return cluster.subscribe(PREPARATION_CHANNEL, (raw) => {
    const change = raw as PreparationChange;
    if (change.from === cluster.instance) return;
    queue = queue.then(() => relay(change)).catch((err: Error) => logger.warn({ err: err.message, serverId: change.serverId }, 'Relaying a preparation change from another instance failed'));
  });
}
