import { randomUUID } from 'node:crypto';
import { LessThanOrEqual, MoreThan, type DataSource, type Repository } from 'typeorm';
import { badRequest, notFound, type AuthenticatedCall, type Clock, type Principal } from '@tomo/kernel';
import type { ServerService } from '@tomo/plugin-servers/api';
import { actorOf, type AlertsActivity } from '../activity';
import type { AlertEntity } from '../entities/alert.entity';
import { SilenceEntity } from '../entities/silence.entity';
import type { RuleService } from '../rules/rule-service';
import type { CreateSilenceBody } from './silence-schema';
import { silenceView, type SilenceView } from './silence-views';

const YEAR_MS = 366 * 24 * 3600 * 1000;

/**
 * Silences and maintenance windows. A `user`'s silence covers only their own servers (its rule
 * and server must be theirs: 404 otherwise); an admin's covers any. A silence names a rule, a
 * server, both, or neither (everything its creator may see).
 */
export class SilenceService {
  private readonly repo: Repository<SilenceEntity>;

  constructor(
    dataSource: DataSource,
    private readonly servers: Pick<ServerService, 'get'>,
    private readonly rules: Pick<RuleService, 'get'>,
    private readonly activity: AlertsActivity,
    private readonly clock: Clock,
  ) {
    this.repo = dataSource.getRepository(SilenceEntity);
  }

  /** Silences not yet over that the principal may see, soonest first. */
  async list(principal: Principal): Promise<SilenceView[]> {
    const now = this.clock.now();
    const rows = await this.repo.find({ where: { ...(principal.role === 'admin' ? {} : { ownerId: principal.id }), endsAt: MoreThan(now) }, order: { startsAt: 'ASC' } });
    return rows.map((s) => silenceView(s, now));
  }

  async create(body: CreateSilenceBody, call: AuthenticatedCall): Promise<SilenceView> {
    const now = this.clock.now();
    const startsAt = body.startsAt ? new Date(body.startsAt) : now;
    const endsAt = new Date(body.endsAt);
    if (endsAt.getTime() <= now.getTime()) throw badRequest('endsAt', 'must be in the future');
    if (endsAt.getTime() <= startsAt.getTime()) throw badRequest('endsAt', 'must be after startsAt');
    if (endsAt.getTime() - now.getTime() > YEAR_MS) throw badRequest('endsAt', 'must be within a year');
    if (body.ruleId) await this.rules.get(call.principal, body.ruleId);
    if (body.serverId) await this.servers.get(call.principal, body.serverId);
    const silence = this.repo.create({
      id: randomUUID(),
      ruleId: body.ruleId,
      serverId: body.serverId,
      ownerId: call.principal.role === 'admin' ? null : call.principal.id,
      startsAt,
      endsAt,
      reason: body.reason || null,
      createdBy: call.principal.id,
      createdAt: now,
    });
    await this.repo.insert(silence);
    await this.record(call, 'alert_silence.create', silence);
    return silenceView(silence, now);
  }

  async delete(id: string, call: AuthenticatedCall): Promise<void> {
    const silence = await this.repo.findOneBy({ id });
    if (!silence || (call.principal.role !== 'admin' && silence.ownerId !== call.principal.id)) throw notFound('Silence');
    await this.repo.delete({ id });
    await this.record(call, 'alert_silence.delete', silence);
  }

  /** True when a silence active at `at` covers the alert: its notifications are held back. */
  async covers(alert: Pick<AlertEntity, 'ruleId' | 'serverId' | 'ownerId'>, at: Date): Promise<boolean> {
    const active = await this.repo.find({ where: { startsAt: LessThanOrEqual(at), endsAt: MoreThan(at) } });
    return active.some(
      (s) => (s.ruleId === null || s.ruleId === alert.ruleId) && (s.serverId === null || s.serverId === alert.serverId) && (s.ownerId === null || s.ownerId === alert.ownerId),
    );
  }

  private async record(call: AuthenticatedCall, action: string, s: SilenceEntity): Promise<void> {
    const scope = [s.ruleId ? `rule ${s.ruleId}` : null, s.serverId ? `server ${s.serverId}` : null].filter(Boolean).join(', ') || 'everything';
    await this.activity.record({
      action,
      result: 'ok',
      ...actorOf(call),
      ownerId: s.ownerId ?? call.principal.id,
      targetType: 'alert_silence',
      targetId: s.id,
      targetName: s.reason,
      serverId: s.serverId,
      detail: `${scope} from ${s.startsAt.toISOString()} until ${s.endsAt.toISOString()}`,
    });
  }
}
