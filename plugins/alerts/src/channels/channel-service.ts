import { randomUUID } from 'node:crypto';
import { conflict, notFound, type AuthenticatedCall, type Clock, type SecretVault } from '@tomo/kernel';
import type { ActivityLog } from '@tomo/plugin-activity/api';
import type { AttemptLog } from '../delivery/attempt-log';
import type { NotificationDispatcher } from '../delivery/notification-dispatcher';
import type { AlertNotification } from '../notification';
import { channelActivity } from './channel-activity';
import { channelDefinition, parseChannelConfig } from './channel-registry';
import { sealSecrets, splitConfig } from './channel-sealing';
import { ChannelStore } from './channel-store';
import type { ChannelView, CreateChannelInput, DeliveryView } from './channel-views';
import { newSigningSecret } from './webhook-signature';

/** How many attempts a channel's delivery list shows. */
export const DELIVERY_LIST_LIMIT = 100;

/**
 * Channels as the routes and tools use them. Who may call what is the routes' and tools'
 * declared access (admins create, delete and test; everyone signed in lists); this service
 * keeps secrets out of every answer and records each change in the activity log.
 */
export class ChannelService {
  constructor(
    private readonly store: ChannelStore,
    private readonly attempts: AttemptLog,
    private readonly dispatcher: NotificationDispatcher,
    private readonly vault: SecretVault,
    private readonly clock: Clock,
    private readonly activity: ActivityLog,
  ) {}

  async list(): Promise<ChannelView[]> {
    return (await this.store.list()).map((c) => ChannelStore.toView(c));
  }

  /** Ids of the channels that exist, of those given (rules check the channels they name). */
  async existing(ids: readonly string[]): Promise<string[]> {
    const all = new Set((await this.store.list()).map((c) => c.id));
    return ids.filter((id) => all.has(id));
  }

  async get(id: string): Promise<ChannelView> {
    const entity = await this.store.find(id);
    if (!entity) throw notFound('Channel');
    return ChannelStore.toView(entity);
  }

  /**
   * Validates the config for its type, seals the secret fields and stores the channel. A webhook
   * given no signing secret gets a generated one, returned this once as `signingSecret`.
   */
  async create(input: CreateChannelInput, call: AuthenticatedCall): Promise<{ channel: ChannelView; signingSecret?: string }> {
    const config = parseChannelConfig(input.type, input.config);
    const name = input.name.trim();
    const taken = (await this.store.list()).some((c) => c.name.toLowerCase() === name.toLowerCase());
    if (taken) throw conflict(`A channel named "${name}" already exists`, 'name');
    let signingSecret: string | undefined;
    if (input.type === 'webhook' && !config.secret) {
      signingSecret = newSigningSecret();
      config.secret = signingSecret;
    }
    const definition = channelDefinition(input.type);
    const { settings, secrets } = splitConfig(config, definition.secretFields);
    const id = randomUUID();
    const entity = this.store.repo.create({
      id,
      name,
      type: input.type,
      settingsJson: JSON.stringify(settings),
      shownJson: JSON.stringify(definition.settings(config)),
      secretNamesJson: JSON.stringify(Object.keys(secrets)),
      secretsSealed: sealSecrets(this.vault, id, secrets),
      health: 'untested',
      consecutiveFailures: 0,
      lastDeliveryAt: null,
      lastError: null,
      createdBy: call.principal.id,
      createdAt: this.clock.now(),
    });
    await this.store.repo.insert(entity);
    await this.activity.record(channelActivity('create', entity, call));
    return { channel: ChannelStore.toView(entity), ...(signingSecret ? { signingSecret } : {}) };
  }

  /** Removes the channel and its attempts; a delivery still queued for it is dropped at its next attempt. */
  async delete(id: string, call: AuthenticatedCall): Promise<void> {
    const entity = await this.store.find(id);
    if (!entity) throw notFound('Channel');
    await this.store.delete(id);
    await this.activity.record(channelActivity('delete', entity, call));
  }

  /** Queues a test notification; its attempts show in the channel's deliveries. */
  async test(id: string, call: AuthenticatedCall): Promise<ChannelView> {
    const entity = await this.store.find(id);
    if (!entity) throw notFound('Channel');
    const now = this.clock.now().toISOString();
    const notification: AlertNotification = {
      status: 'test',
      alertId: `test-${randomUUID()}`,
      ruleId: null,
      ruleName: 'Test notification',
      severity: 'info',
      serverId: null,
      serverName: null,
      subject: `Test notification from Tomo to "${entity.name}"`,
      summary: `${call.principal.name} sent this test from Tomo to check the channel "${entity.name}". No alert is firing.`,
      value: null,
      threshold: null,
      startedAt: now,
      resolvedAt: null,
    };
    this.dispatcher.send(notification, [id]);
    await this.activity.record(channelActivity('test', entity, call));
    return ChannelStore.toView(entity);
  }

  async deliveries(id: string): Promise<DeliveryView[]> {
    if (!(await this.store.find(id))) throw notFound('Channel');
    return this.attempts.list(id, DELIVERY_LIST_LIMIT);
  }
}
