import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { LessThan, type DataSource } from 'typeorm';
import type { Clock, Principal } from '@tomo/kernel';
import { describeActivity } from './describe';
import { ActivityEntryEntity } from './entities/activity-entry.entity';
import type { ActivityEntryView, ActivityFilters, ActivityInput, ActivityLog, ActivityPage, Door } from './types';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

const clip = (value: string | null | undefined, max: number): string | null => (value == null || value === '' ? null : value.length > max ? `${value.slice(0, max - 1)}…` : value);
/** LIKE pattern text with `\`, `%` and `_` taken literally (used with ESCAPE '\'). */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function toView(e: ActivityEntryEntity): ActivityEntryView {
  const view: Omit<ActivityEntryView, 'summary'> = {
    id: e.id,
    at: new Date(e.at).toISOString(),
    userId: e.userId,
    username: e.username,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    targetName: e.targetName,
    serverId: e.serverId,
    result: e.result,
    detail: e.detail,
    door: e.door as Door | null,
    clientIp: e.clientIp,
  };
  return { ...view, summary: describeActivity(view) };
}

/**
 * The activity log: append, read (filtered, paged, within the reader's rights), and drop entries
 * older than the retention. There is deliberately no update and no delete of single entries.
 */
export class ActivityLogService implements ActivityLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(ActivityEntryEntity);
  }

  /** Appends an entry. Never throws: a failed write is logged, and the action it records goes on. */
  async record(input: ActivityInput): Promise<void> {
    try {
      await this.repo.insert({
        id: randomUUID(),
        at: input.at ?? this.clock.now(),
        userId: input.userId ?? null,
        username: clip(input.username, 64),
        ownerId: input.ownerId ?? null,
        action: input.action,
        targetType: clip(input.targetType, 32),
        targetId: clip(input.targetId, 64),
        targetName: clip(input.targetName, 200),
        serverId: input.serverId ?? null,
        result: input.result,
        detail: clip(input.detail, 500),
        door: input.door,
        clientIp: clip(input.clientIp, 64),
      });
    } catch (err) {
      this.logger.error({ err, action: input.action }, 'Could not write an activity log entry');
    }
  }

  /** Entries the principal may read (a `user`: what they did and what concerns them), newest first. */
  async query(principal: Principal, filters: ActivityFilters): Promise<ActivityPage> {
    const page = filters.page ?? 1;
    const pageSize = Math.min(filters.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const qb = this.repo.createQueryBuilder('e');
    if (principal.role !== 'admin') qb.andWhere('(e.userId = :me OR e.ownerId = :me)', { me: principal.id });
    if (filters.serverId) qb.andWhere('e.serverId = :serverId', { serverId: filters.serverId });
    if (filters.userId) qb.andWhere('e.userId = :userId', { userId: filters.userId });
    if (filters.action) {
      const action = filters.action.replace(/\.\*?$/, '');
      qb.andWhere("(e.action = :action OR e.action LIKE :actionPrefix ESCAPE '\\')", { action, actionPrefix: `${likeLiteral(action)}.%` });
    }
    if (filters.from) qb.andWhere('e.at >= :from', { from: filters.from });
    if (filters.to) qb.andWhere('e.at < :to', { to: filters.to });
    if (filters.q) {
      const pattern = `%${likeLiteral(filters.q.toLowerCase())}%`;
      qb.andWhere("(LOWER(e.targetName) LIKE :q ESCAPE '\\' OR LOWER(e.detail) LIKE :q ESCAPE '\\')", { q: pattern });
    }
    const [rows, total] = await qb
      .orderBy('e.at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { entries: rows.map(toView), total, page, pageSize };
  }

  /** Deletes entries older than `days` days; returns how many went. */
  async prune(days: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - days * 24 * 3600 * 1000);
    const result = await this.repo.delete({ at: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
