import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { TomoConfig } from '../config/config-schema';
import type { SecretVault } from '../vault/secret-vault';
import { createServiceToken } from './service-token';
import type { Cluster } from '../cluster/cluster-types';

/** Services the kernel puts in the root container, for every plugin to resolve. */
export const KernelTokens = Object.freeze({
  /** The validated configuration. */
  Config: createServiceToken<TomoConfig>('kernel.Config'),
  /** The root logger (plugins get a child logger on their context). */
  Logger: createServiceToken<Logger>('kernel.Logger'),
  /** The one TypeORM DataSource; initialised before any route or tool runs. */
  DataSource: createServiceToken<DataSource>('kernel.DataSource'),
  /** Encrypts secrets at rest (AES-256-GCM, record-bound); its key file lives in the data folder. */
  Vault: createServiceToken<SecretVault>('kernel.Vault'),
  /**
   * Which instance runs the once-per-interval background work, and messages to every instance
   * (PostgreSQL with several instances; on SQLite the one instance always leads).
   */
  Cluster: createServiceToken<Cluster>('kernel.Cluster'),
  /** Wall clock, replaceable in tests. */
  Clock: createServiceToken<Clock>('kernel.Clock'),
});

/** Time source, resolved through {@link KernelTokens}.Clock so tests can replace the wall clock. */
export interface Clock {
  /** The current time. */
  now(): Date;
}
