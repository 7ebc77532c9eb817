import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { TomoConfig } from '../config/config-schema';
import type { Cluster } from './cluster-types';
import { LocalCluster } from './local-cluster';
import { PostgresCluster } from './postgres-cluster';

/** A {@link Cluster} the kernel stops at shutdown. */
export type StartedCluster = Cluster & { stop(): Promise<void> };

/**
 * The cluster for this database: on PostgreSQL, leadership and messages shared with the other
 * instances on it (started before the plugins, so a lone instance already leads when their
 * background work starts); on SQLite, this instance alone.
 */
export async function startCluster(config: TomoConfig, dataSource: DataSource, logger: Logger): Promise<StartedCluster> {
  const onListenerError = (err: unknown) => logger.error({ err }, 'A cluster message listener failed');
  if (config.database.kind !== 'postgres') return Object.assign(new LocalCluster(onListenerError), { stop: async () => undefined });
  const cluster = new PostgresCluster({
    url: config.database.url,
    checkMs: config.cluster.leaderCheckMs,
    notify: (channel, payload) => dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]),
    logger,
  });
  await cluster.start();
  return cluster;
}
