import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { TomoConfig } from '../config/config-schema';
import { createServiceToken } from './service-token';

/** Services the kernel puts in the root container, for every plugin to resolve. */
export const KernelTokens = Object.freeze({
  /** The validated configuration. */
  Config: createServiceToken<TomoConfig>('kernel.Config'),
  /** The root logger (plugins get a child logger on their context). */
  Logger: createServiceToken<Logger>('kernel.Logger'),
  /** The one TypeORM DataSource; initialised before any route or tool runs. */
  DataSource: createServiceToken<DataSource>('kernel.DataSource'),
  /** Wall clock, replaceable in tests. */
  Clock: createServiceToken<Clock>('kernel.Clock'),
});

/** Time source. */
export interface Clock {
  now(): Date;
}
