import type { Logger } from 'pino';
import type { ActivityLogService } from './activity-log';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Drops entries older than `days` now, then once a day. Returns the stop function. A failed
 * prune is logged and tried again the next day: it never stops start-up. With several instances
 * on one database only the leading one prunes (`leads`).
 */
export async function startRetention(log: ActivityLogService, days: number, logger: Logger, leads: () => boolean = () => true): Promise<() => void> {
  const prune = async () => {
    if (!leads()) return;
    const removed = await log.prune(days).catch((err: Error) => {
      logger.error({ err }, 'Activity log retention failed');
      return 0;
    });
    if (removed) logger.info(`Activity log: ${removed} entr${removed === 1 ? 'y' : 'ies'} older than ${days} days removed`);
  };
  await prune();
  const timer = setInterval(() => void prune(), DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
