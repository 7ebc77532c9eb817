import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { PreparationLogEntity } from '../entities/preparation-log.entity';
import type { LogLine, PreparationView } from '../views';

export type { LogLine } from '../views';

const MAX_MESSAGE = 4000;

/** A change of a preparation this instance runs, for the other instances (preparation-relay.ts). */
export type LocalPreparationChange = { serverId: string; kind: 'line'; lineId: number } | { serverId: string; kind: 'state' | 'end' };

/**
 * The per-server preparation log: every line stored (already redacted by the caller) and
 * published to live listeners (the SSE stream) in the same order, with the run's state changes
 * and its end. Events: `line:<serverId>` (a LogLine), `state:<serverId>` (a PreparationView),
 * `end:<serverId>`.
 */
export class PreparationLog {
  readonly events = new EventEmitter();
  /** Told of every line, state and end of a run on this instance (several instances: the relay). */
  private announce: (change: LocalPreparationChange) => void = () => {};

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
    this.announce({ serverId, kind: 'line', lineId: line.id });
    return line;
  }

  /** The run's state changed (saved already). */
  emitState(serverId: string, view: PreparationView): void {
    this.events.emit(`state:${serverId}`, view);
    this.announce({ serverId, kind: 'state' });
  }

  /** The run is over (completed, failed or marked interrupted). */
  emitEnd(serverId: string): void {
    this.events.emit(`end:${serverId}`);
    this.announce({ serverId, kind: 'end' });
  }

  /** Who hears of this instance's runs besides its own listeners (one announcer). */
  announceWith(announce: (change: LocalPreparationChange) => void): void {
    this.announce = announce;
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
