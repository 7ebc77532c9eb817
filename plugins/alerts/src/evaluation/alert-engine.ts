import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource, Repository } from 'typeorm';
import type { Clock } from '@tomo/kernel';
import type { ServerPolledEvent } from '@tomo/plugin-monitoring/api';
import type { AlertsActivity } from '../activity';
import { AlertEntity } from '../entities/alert.entity';
import type { AlertRuleEntity } from '../entities/alert-rule.entity';
import type { AlertNotification, NotificationSender } from '../notification';
import { clearPoint, LOGIN_FAILURES_DEFAULT_COUNT, LOGIN_FAILURES_DEFAULT_MINUTES, type AlertEvent, type Metric } from '../rules/rule-model';
import { channelIdsOf } from '../rules/rule-views';
import { eventSubject, metricSubject, metricSummary } from './alert-texts';
import { valueOf } from './figures';
import { newTrack, step, type MetricCondition, type MetricTrack } from './metric-evaluator';

/** A rule as the engine holds it between polls: who it covers, where it sends, its condition. */
export interface LoadedRule {
  rule: AlertRuleEntity;
  /** The system's or an admin's rule without a server: every server. */
  coversAll: boolean;
  channelIds: string[];
  condition: MetricCondition | null;
}

/** The server (or none) an event is about. */
export interface EventTarget {
  serverId: string | null;
  serverName: string | null;
  ownerId: string | null;
}

/** How long one-shot events (an update rolled back) stay firing unless something resolves them sooner. */
export const ONE_SHOT_MS = 60 * 60 * 1000;

const metricKey = (ruleId: string, serverId: string) => `m:${ruleId}:${serverId}`;
const eventKey = (event: AlertEvent, ruleId: string, serverId: string | null, subjectKey: string) => `e:${event}:${ruleId}:${serverId ?? '-'}:${subjectKey}`;

/**
 * Evaluates the rules and keeps the alerts: metric rules on each poll's figures in memory (no
 * query, no SSH), event rules on the other plugins' events. Each alert fires once and resolves
 * once: what is firing is kept in memory and in the `alerts` table, and loaded from it at start,
 * so a restart sends nothing again. Writes, silences and notifications run one after the other
 * on a queue, in the order the transitions happened; the decisions themselves are synchronous.
 */
export class AlertEngine {
  private rules: LoadedRule[] = [];
  private readonly tracks = new Map<string, MetricTrack>();
  private readonly firing = new Map<string, AlertEntity>();
  private readonly latest = new Map<string, ServerPolledEvent>();
  private loginFailures: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly repo: Repository<AlertEntity>;

  constructor(
    dataSource: DataSource,
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      activity: AlertsActivity;
      /** The notification sender, when one is registered (alerts-channels'); looked up at each send. */
      sender: () => NotificationSender | null;
      /** True when a silence active at the time covers the alert. */
      silenced: (alert: AlertEntity, at: Date) => Promise<boolean>;
      /** Enabled rules, with whether each covers every server. */
      loadRules: () => Promise<Array<{ rule: AlertRuleEntity; coversAll: boolean }>>;
    },
  ) {
    this.repo = dataSource.getRepository(AlertEntity);
  }

  /** Loads the rules and what was firing when Tomo stopped. */
  async start(): Promise<void> {
    for (const alert of await this.repo.findBy({ state: 'firing' })) {
      this.firing.set(alert.fingerprint, alert);
      if (alert.fingerprint.startsWith('m:')) this.tracks.set(alert.fingerprint, newTrack(true));
    }
    await this.reloadRules();
  }

  /** Reads the rules again (after a change); alerts of rules now gone or disabled resolve without a notification. */
  reloadRules(): Promise<void> {
    return this.enqueue(async () => {
      this.rules = (await this.deps.loadRules()).map(({ rule, coversAll }) => ({ rule, coversAll, channelIds: channelIdsOf(rule), condition: conditionOf(rule) }));
      const live = new Map(this.rules.map((r) => [r.rule.id, r]));
      for (const [key, alert] of this.firing) {
        const loaded = alert.ruleId ? live.get(alert.ruleId) : undefined;
        if (!loaded || (key.startsWith('m:') && !loaded.condition)) await this.close(key, alert, null, false);
      }
      for (const key of this.tracks.keys()) if (!this.firing.has(key)) this.tracks.delete(key);
    });
  }

  /** Waits for every queued write and notification (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** The last poll of each server (the rule editor's preview). */
  lastPoll(serverId: string): ServerPolledEvent | null {
    return this.latest.get(serverId) ?? null;
  }

  firingFor(event: AlertEvent, serverId: string): boolean {
    for (const key of this.firing.keys()) if (key.startsWith(`e:${event}:`) && key.split(':')[3] === serverId) return true;
    return false;
  }

  /** One poll's figures: every metric rule covering the server steps once; app states resolve or fire app alerts. */
  onPoll(poll: ServerPolledEvent): Promise<void> {
    this.latest.set(poll.serverId, poll);
    const now = poll.at.getTime();
    const target: EventTarget = { serverId: poll.serverId, serverName: poll.serverName, ownerId: poll.ownerId };
    for (const loaded of this.rules) {
      const { rule, condition } = loaded;
      if (!condition || !rule.metric || !this.covers(loaded, target)) continue;
      const key = metricKey(rule.id, poll.serverId);
      const track = this.tracks.get(key) ?? newTrack();
      const value = valueOf(rule.metric as Metric, poll);
      const transition = step(condition, track, value, now);
      if (track.firing || track.breachSince !== null) this.tracks.set(key, track);
      else this.tracks.delete(key);
      if (transition === 'fire' && value !== null) {
        const subject = metricSubject(rule.metric as Metric, condition.operator, value, condition.threshold, rule.forMinutes ?? 0, poll.serverName);
        this.open(key, loaded, target, subject, metricSummary(rule.metric as Metric, condition.operator, condition.clear, poll.serverName), value, condition.threshold, poll.at);
      } else if (transition === 'resolve') {
        const alert = this.firing.get(key);
        if (alert) this.resolve(key, alert, value);
      }
    }
    // A poll that succeeds is the server online, whatever the poller's own bookkeeping (after a restart it may never announce it).
    this.resolveEvent('server_offline', poll.serverId);
    for (const app of poll.apps) {
      if (app.state === 'running') {
        this.resolveEvent('app_crashed', poll.serverId, app.installationId);
        this.resolveEvent('app_unhealthy', poll.serverId, app.installationId);
      } else if (app.state === 'failed' || app.state === 'unknown') {
        this.onEvent('app_unhealthy', target, app.installationId, app.appName, `${app.appName} is ${app.state}${app.detail ? `: ${app.detail}` : ''}.`);
      }
    }
    return this.queue;
  }

  /**
   * An event happened: every enabled rule of that event covering the server fires, unless its
   * alert for the same thing (`subjectKey`: the app, or '' for the server) is already firing.
   */
  onEvent(event: AlertEvent, target: EventTarget, subjectKey: string, what: string | null, summary: string, figures: { value: number | null; threshold: number | null } = { value: null, threshold: null }): Promise<void> {
    const at = this.deps.clock.now();
    for (const loaded of this.rules) {
      if (loaded.rule.event !== event || !this.covers(loaded, target)) continue;
      const key = eventKey(event, loaded.rule.id, target.serverId, subjectKey);
      if (this.firing.has(key)) continue;
      this.open(key, loaded, target, eventSubject(event, target.serverName, what), summary, figures.value, figures.threshold, at);
    }
    return this.queue;
  }

  /** What the event said is over: its alerts on the server (for that app, or all when `subjectKey` is undefined) resolve. */
  resolveEvent(event: AlertEvent, serverId: string | null, subjectKey?: string): Promise<void> {
    for (const [key, alert] of this.firing) {
      const [kind, name, , server, subject] = key.split(':');
      if (kind !== 'e' || name !== event || server !== (serverId ?? '-')) continue;
      if (subjectKey !== undefined && subject !== subjectKey) continue;
      this.resolve(key, alert, null);
    }
    return this.queue;
  }

  /** A server is being deleted: its alerts resolve without a notification, its figures are forgotten. */
  forgetServer(serverId: string): Promise<void> {
    this.latest.delete(serverId);
    for (const key of [...this.tracks.keys()]) if (key.endsWith(`:${serverId}`)) this.tracks.delete(key);
    for (const [key, alert] of [...this.firing]) {
      if (alert.serverId !== serverId) continue;
      this.firing.delete(key);
      this.enqueue(() => this.close(key, alert, null, false));
    }
    return this.queue;
  }

  /**
   * A failed login: a burst is `threshold` failures (default 5) within `forMinutes` (default 10)
   * of each rule; the alert resolves when fewer remain in that window ({@link sweep}).
   */
  onLoginFailed(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    this.loginFailures.push(now);
    for (const loaded of this.rules) {
      if (loaded.rule.event !== 'login_failures') continue;
      const { count, windowMs } = burstOf(loaded.rule);
      const recent = this.loginFailures.filter((t) => t > now - windowMs).length;
      if (recent >= count) {
        const minutes = windowMs / 60000;
        void this.onEvent('login_failures', { serverId: null, serverName: null, ownerId: null }, '', `${recent}`, `${recent} failed logins to Tomo within ${minutes} minutes.`, { value: recent, threshold: count });
      }
    }
    return this.queue;
  }

  /** Time-based resolutions: bursts of failed logins that are over, one-shot events past {@link ONE_SHOT_MS}. */
  sweep(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const longest = Math.max(LOGIN_FAILURES_DEFAULT_MINUTES * 60000, ...this.rules.filter((r) => r.rule.event === 'login_failures').map((r) => burstOf(r.rule).windowMs));
    this.loginFailures = this.loginFailures.filter((t) => t > now - longest);
    for (const [key, alert] of this.firing) {
      if (key.startsWith('e:login_failures:')) {
        const loaded = this.rules.find((r) => r.rule.id === alert.ruleId);
        const { count, windowMs } = loaded ? burstOf(loaded.rule) : { count: LOGIN_FAILURES_DEFAULT_COUNT, windowMs: LOGIN_FAILURES_DEFAULT_MINUTES * 60000 };
        if (this.loginFailures.filter((t) => t > now - windowMs).length < count) this.resolve(key, alert, null);
      } else if (key.startsWith('e:update_rolled_back:') && now - alert.startedAt.getTime() >= ONE_SHOT_MS) {
        this.resolve(key, alert, null);
      }
    }
    return this.queue;
  }

  private covers(loaded: LoadedRule, target: EventTarget): boolean {
    const { rule } = loaded;
    if (rule.serverId) return rule.serverId === target.serverId;
    if (loaded.coversAll) return true;
    return target.serverId !== null && rule.ownerId === target.ownerId;
  }

  /** Fires: the alert is firing in memory at once (so nothing fires it twice); stored, then sent unless silenced. */
  private open(key: string, loaded: LoadedRule, target: EventTarget, subject: string, summary: string, value: number | null, threshold: number | null, at: Date): void {
    const alert = this.repo.create({
      id: randomUUID(),
      fingerprint: key,
      ruleId: loaded.rule.id,
      ruleName: loaded.rule.name,
      severity: loaded.rule.severity,
      serverId: target.serverId,
      serverName: target.serverName,
      ownerId: target.ownerId,
      state: 'firing',
      subject: subject.slice(0, 300),
      summary: summary.slice(0, 1000),
      value,
      threshold,
      startedAt: at,
      resolvedAt: null,
      silenced: false,
    });
    this.firing.set(key, alert);
    this.enqueue(async () => {
      alert.silenced = await this.deps.silenced(alert, at);
      await this.repo.insert(alert);
      await this.record(alert, 'alert.fire');
      if (!alert.silenced) this.send(alert, 'firing', loaded.channelIds);
    });
  }

  private resolve(key: string, alert: AlertEntity, value: number | null): void {
    this.firing.delete(key);
    const at = this.deps.clock.now();
    // A resolution is sent where the firing was: not when a silence held the firing back.
    this.enqueue(() => this.close(key, alert, value, !alert.silenced, at));
  }

  private async close(key: string, alert: AlertEntity, value: number | null, notify: boolean, at = this.deps.clock.now()): Promise<void> {
    this.firing.delete(key);
    alert.state = 'resolved';
    alert.resolvedAt = at;
    if (value !== null) alert.value = value;
    await this.repo.update({ id: alert.id }, { state: 'resolved', resolvedAt: at, value: alert.value });
    await this.record(alert, 'alert.resolve');
    const loaded = this.rules.find((r) => r.rule.id === alert.ruleId);
    if (notify && loaded) this.send(alert, 'resolved', loaded.channelIds);
  }

  private send(alert: AlertEntity, status: 'firing' | 'resolved', channelIds: readonly string[]): void {
    if (channelIds.length === 0) return;
    const sender = this.deps.sender();
    if (!sender) {
      this.deps.logger.warn({ alertId: alert.id }, 'No notification sender is registered: the alert is recorded but not sent');
      return;
    }
    const notification: AlertNotification = {
      status,
      alertId: alert.id,
      ruleId: alert.ruleId,
      ruleName: alert.ruleName,
      severity: alert.severity,
      serverId: alert.serverId,
      serverName: alert.serverName,
      subject: alert.subject,
      summary: alert.summary,
      value: alert.value,
      threshold: alert.threshold,
      startedAt: alert.startedAt.toISOString(),
      resolvedAt: alert.resolvedAt ? alert.resolvedAt.toISOString() : null,
    };
    try {
      sender.send(notification, channelIds);
    } catch (err) {
      this.deps.logger.error({ err, alertId: alert.id }, 'Queuing the notification failed');
    }
  }

  private async record(alert: AlertEntity, action: 'alert.fire' | 'alert.resolve'): Promise<void> {
    await this.deps.activity.record({
      action,
      result: 'ok',
      door: 'system',
      ownerId: alert.ownerId,
      targetType: 'alert',
      targetId: alert.id,
      targetName: alert.subject.slice(0, 200),
      serverId: alert.serverId,
      detail: `${alert.ruleName}${alert.silenced ? ' (silenced: not sent)' : ''}`.slice(0, 500),
    });
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(job).catch((err: Error) => this.deps.logger.error({ err }, 'Recording an alert failed'));
    return this.queue;
  }
}

function conditionOf(rule: AlertRuleEntity): MetricCondition | null {
  if (rule.kind !== 'metric' || !rule.metric || !rule.operator || rule.threshold === null) return null;
  return { operator: rule.operator, threshold: rule.threshold, clear: clearPoint(rule), forMs: (rule.forMinutes ?? 0) * 60000 };
}

function burstOf(rule: AlertRuleEntity): { count: number; windowMs: number } {
  return { count: rule.threshold ?? LOGIN_FAILURES_DEFAULT_COUNT, windowMs: (rule.forMinutes ?? LOGIN_FAILURES_DEFAULT_MINUTES) * 60000 };
}

