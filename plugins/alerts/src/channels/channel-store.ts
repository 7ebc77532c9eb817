import type { DataSource } from 'typeorm';
import type { SecretVault } from '@tomo/kernel';
import { DeliveryAttemptEntity } from '../entities/delivery-attempt.entity';
import { NotificationChannelEntity } from '../entities/notification-channel.entity';
import type { ChannelDefinition, ChannelType } from './channel-definition';
import { channelDefinition } from './channel-registry';
import { openSecrets, secretNeedles } from './channel-sealing';
import type { ChannelView } from './channel-views';

/** A channel ready for an attempt: its definition, its whole config (secrets opened) and what to scrub from errors. */
export interface OpenedChannel {
  entity: NotificationChannelEntity;
  definition: ChannelDefinition;
  config: Record<string, unknown>;
  needles: string[];
}

/** The channel records: read, write, and open for delivery. Knows nothing of who may do what. */
export class ChannelStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly vault: SecretVault,
  ) {}

  get repo() {
    return this.dataSource.getRepository(NotificationChannelEntity);
  }

  async list(): Promise<NotificationChannelEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC', name: 'ASC' } });
  }

  async find(id: string): Promise<NotificationChannelEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** Deletes the channel and its delivery attempts, together. */
  async delete(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.delete(DeliveryAttemptEntity, { channelId: id });
      await m.delete(NotificationChannelEntity, { id });
    });
  }

  /**
   * The channel with its secrets opened, for one attempt; null when it was deleted meanwhile.
   * Throws (a message without secrets) when the sealed part does not open.
   */
  async open(id: string): Promise<OpenedChannel | null> {
    const entity = await this.find(id);
    if (!entity) return null;
    const definition = channelDefinition(entity.type as ChannelType);
    let secrets: Record<string, string>;
    try {
      secrets = openSecrets(this.vault, entity.id, entity.secretsSealed);
    } catch {
      throw new Error('The channel\'s stored credentials cannot be decrypted (was the vault key replaced?); create the channel again');
    }
    const settings = JSON.parse(entity.settingsJson) as Record<string, unknown>;
    return { entity, definition, config: { ...settings, ...secrets }, needles: secretNeedles(secrets) };
  }

  /** A record as the API shows it: settings without secrets, the secret fields by name only. */
  static toView(entity: NotificationChannelEntity): ChannelView {
    return {
      id: entity.id,
      name: entity.name,
      type: entity.type as ChannelType,
      settings: JSON.parse(entity.shownJson) as ChannelView['settings'],
      secretFields: JSON.parse(entity.secretNamesJson) as string[],
      health: entity.health as ChannelView['health'],
      lastDeliveryAt: entity.lastDeliveryAt ? new Date(entity.lastDeliveryAt).toISOString() : null,
      lastError: entity.lastError,
      createdAt: new Date(entity.createdAt).toISOString(),
    };
  }
}
