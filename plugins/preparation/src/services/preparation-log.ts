import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { PreparationLogEntity } from '../entities/preparation-log.entity';
import type { LogLine } from '../views';

export type { LogLine } from '../views';

const MAX_MESSAGE = 4000;

/**
 * The per-server preparation log: every line stored (already redacted by the caller) and
 * published to live listeners (the SSE stream) in the same order.
 */
export class PreparationLog {
  readonly events = new EventEmitter();

  constructor(private readonly dataSource: DataSource) {
    this.events.setMaxListeners(0);
  }

  private get repo() {
    return this.dataSource.getRepository(PreparationLogEntity);
  }

  async append(serverId: string, step: string | null, level: LogLine['level'], message: string): Promise<LogLine> {
    const entity = this.repo.create({ serverId, step, level, message: message.slice(0, MAX_MESSAGE), at: new Date() });
    const saved = await this.repo.save(entity);
    const line: LogLine = { id: saved.id, at: saved.at.toISOString(), step, level, message: saved.message };
    this.events.emit(`line:${serverId}`, line);
    return line;
  }

  /**
   * Lines oldest first: those after `afterId` (up to `limit`), or without `afterId` the newest
   * `limit` lines (so a long history still shows its latest run).
   */
  async read(serverId: string, options: { afterId?: number; limit?: number } = {}): Promise<LogLine[]> {
    const limit = options.limit ?? 5000;
    const query = this.repo.createQueryBuilder('l').where('l.serverId = :serverId', { serverId }).take(limit);
    if (options.afterId !== undefined) query.andWhere('l.id > :afterId', { afterId: options.afterId }).orderBy('l.id', 'ASC');
    else query.orderBy('l.id', 'DESC');
    const rows = await query.getMany();
    if (options.afterId === undefined) rows.reverse();
    return rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), step: r.step, level: r.level, message: r.message }));
  }

  async deleteFor(serverId: string): Promise<void> {
    await this.repo.delete({ serverId });
  }
}
