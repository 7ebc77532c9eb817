import { randomUUID } from 'node:crypto';
import { In, type DataSource, type Repository } from 'typeorm';
import { badRequest, notFound, type AuthenticatedCall, type Clock, type Principal } from '@tomo/kernel';
import type { ServerService } from '@tomo/plugin-servers/api';
import { actorOf, type AlertsActivity } from '../activity';
import { AlertRuleEntity } from '../entities/alert-rule.entity';
import { NotificationChannelEntity } from '../entities/notification-channel.entity';
import { ruleProblem } from './rule-coherence';
import type { RuleDraft, RuleView } from './rule-model';
import type { CreateRuleBody, UpdateRuleBody } from './rule-schema';
import { draftOf, ruleView } from './rule-views';

/**
 * Alert rules and who may touch them: a `user` sees and changes only their own rules, which
 * cover only their own servers; an admin sees and changes all (the system's defaults too).
 * Another user's rule, or a rule on another user's server, is a 404 like an id of nothing.
 * Every change goes to the activity log, and tells the evaluator (`onChange`).
 */
export class RuleService {
  private readonly repo: Repository<AlertRuleEntity>;
  private readonly channels: Repository<NotificationChannelEntity>;

  constructor(
    dataSource: DataSource,
    private readonly servers: Pick<ServerService, 'get'>,
    private readonly activity: AlertsActivity,
    private readonly clock: Clock,
    private readonly onChange: () => void,
  ) {
    this.repo = dataSource.getRepository(AlertRuleEntity);
    this.channels = dataSource.getRepository(NotificationChannelEntity);
  }

  async list(principal: Principal): Promise<RuleView[]> {
    const rows = await this.repo.find({ where: principal.role === 'admin' ? {} : { ownerId: principal.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(ruleView);
  }

  /** A rule the principal may see (404 otherwise). */
  async get(principal: Principal, id: string): Promise<AlertRuleEntity> {
    const rule = await this.repo.findOneBy({ id });
    if (!rule || (principal.role !== 'admin' && rule.ownerId !== principal.id)) throw notFound('Alert rule');
    return rule;
  }

  /** Checks a whole draft for the principal: coherent, on a server they may access (404 otherwise). */
  async check(principal: Principal, draft: RuleDraft): Promise<void> {
    const problem = ruleProblem(draft);
    if (problem) throw badRequest(problem.field, problem.message);
    if (draft.event === 'login_failures' && principal.role !== 'admin') throw badRequest('event', 'login_failures is for admins only (failed logins concern no server of yours)');
    if (draft.serverId) await this.servers.get(principal, draft.serverId);
  }

  /**
   * Every channel id named exists (400 naming the first unknown one): a rule sending to nothing
   * would look set up and stay silent. Only the ids a request names are checked, so a rule whose
   * channel was deleted since can still be changed (its notifications to that channel are dropped).
   */
  private async checkChannels(channelIds: readonly string[] | undefined): Promise<void> {
    if (!channelIds?.length) return;
    const known = new Set((await this.channels.findBy({ id: In([...new Set(channelIds)]) })).map((c) => c.id));
    const unknown = channelIds.findIndex((id) => !known.has(id));
    if (unknown >= 0) throw badRequest(`channelIds.${unknown}`, 'no notification channel has this id (see GET /api/alerts/channels)');
  }

  async create(body: CreateRuleBody, call: AuthenticatedCall): Promise<RuleView> {
    await this.check(call.principal, body);
    await this.checkChannels(body.channelIds);
    const now = this.clock.now();
    const rule = this.repo.create({ ...this.columns(body), id: randomUUID(), ownerId: call.principal.id, builtIn: false, createdAt: now, updatedAt: now });
    await this.repo.insert(rule);
    await this.record(call, 'alert_rule.create', rule, `${rule.kind} rule`);
    this.onChange();
    return ruleView(rule);
  }

  async update(id: string, body: UpdateRuleBody, call: AuthenticatedCall): Promise<RuleView> {
    const rule = await this.get(call.principal, id);
    const merged: RuleDraft = { ...draftOf(rule), ...body };
    await this.check(call.principal, merged);
    await this.checkChannels(body.channelIds);
    Object.assign(rule, this.columns(merged), { updatedAt: this.clock.now() });
    await this.repo.save(rule);
    await this.record(call, 'alert_rule.update', rule, `changed: ${Object.keys(body).join(', ')}`);
    this.onChange();
    return ruleView(rule);
  }

  async delete(id: string, call: AuthenticatedCall): Promise<void> {
    const rule = await this.get(call.principal, id);
    await this.repo.delete({ id: rule.id });
    await this.record(call, 'alert_rule.delete', rule, null);
    this.onChange();
  }

  /** Every enabled rule, for the evaluator. */
  enabled(): Promise<AlertRuleEntity[]> {
    return this.repo.find({ where: { enabled: true }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  private columns(draft: RuleDraft): Omit<AlertRuleEntity, 'id' | 'ownerId' | 'builtIn' | 'createdAt' | 'updatedAt'> {
    const { channelIds, ...rest } = draft;
    return { ...rest, channelIdsJson: JSON.stringify([...new Set(channelIds)]) };
  }

  private async record(call: AuthenticatedCall, action: string, rule: AlertRuleEntity, detail: string | null): Promise<void> {
    await this.activity.record({ action, result: 'ok', ...actorOf(call), ownerId: rule.ownerId ?? call.principal.id, targetType: 'alert_rule', targetId: rule.id, targetName: rule.name, serverId: rule.serverId, detail });
  }
}
