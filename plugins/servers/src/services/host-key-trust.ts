import { IsNull, type DataSource } from 'typeorm';
import type { CallContext, HookRegistry } from '@tomo/kernel';
import type { ServerActor } from '../contract/server-handle';
import type { HostKeyInfo } from '../contract/ssh-types';
import { ServerEntity } from '../entities/server.entity';
import { serversHooks } from '../hooks';
import type { HostKeyEvents } from './ssh-connection-pool';
import { SshError } from './ssh-errors';
import { toPublicServer } from './to-public-server';

const HOST_KEY_CHANGED_MESSAGE = new SshError('host_key_changed').message;

const keyOf = (fingerprint: string, algorithm: string | null): HostKeyInfo => ({ fingerprint, algorithm: algorithm ?? 'unknown' });

/**
 * What a server's record keeps of its host keys, and what is announced about them: trust on
 * first use, a changed key held for an admin's decision (announced once per new key, however many
 * connections it refuses), and a changed key dropped when the server presents its trusted key
 * again. Every write is conditional on the state it read, so two connections at once announce a
 * change once.
 */
export class HostKeyTrust {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hooks: HookRegistry,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(ServerEntity);
  }

  private async publicServer(id: string) {
    const row = await this.repo.findOneBy({ id });
    return row ? toPublicServer(row) : null;
  }

  /**
   * The events of connections made for `by` (through `call`, when a request asked). `entity` is the
   * caller's copy of the record: its trusted key follows a first contact, and its status follows a
   * restore (the status announced last), so the caller compares with what is now recorded.
   */
  eventsFor(entity: ServerEntity, by: ServerActor, call?: CallContext): HostKeyEvents {
    const announce = { by, ...(call ? { call } : {}) };
    const hooks = this.hooks.of(serversHooks);
    return {
      onFirstSeen: async (key) => {
        const trusted = await this.repo.update(
          { id: entity.id, hostKeyFingerprint: IsNull() },
          { hostKeyFingerprint: key.fingerprint, hostKeyAlgorithm: key.algorithm, hostKeyFirstSeenAt: new Date() },
        );
        if (!trusted.affected) {
          // Another connection trusted a key first: this one must present the same.
          const current = await this.repo.findOneBy({ id: entity.id });
          if (current?.hostKeyFingerprint && current.hostKeyFingerprint !== key.fingerprint) {
            await this.recordMismatch(current, key, announce);
            throw new SshError('host_key_changed');
          }
        }
        entity.hostKeyFingerprint = key.fingerprint;
        entity.hostKeyAlgorithm = key.algorithm;
        const server = trusted.affected ? await this.publicServer(entity.id) : null;
        if (server) await hooks.hostKeyTrusted.promise({ server, key, ...announce });
      },
      onMismatch: async (key) => {
        const current = await this.repo.findOneBy({ id: entity.id });
        if (current?.hostKeyFingerprint) await this.recordMismatch(current, key, announce);
      },
      onTrustedSeen: async (key) => {
        const current = await this.repo.findOneBy({ id: entity.id });
        if (!current?.pendingHostKeyFingerprint || current.hostKeyFingerprint !== key.fingerprint) return;
        // The status the refused connections wrote ends with them; any other status is the poller's or a test's to change.
        const blockedStatus = current.status === 'error' && current.lastError === HOST_KEY_CHANGED_MESSAGE;
        const dropped = await this.repo.update(
          { id: entity.id, pendingHostKeyFingerprint: current.pendingHostKeyFingerprint },
          {
            pendingHostKeyFingerprint: null,
            pendingHostKeyAlgorithm: null,
            pendingHostKeySeenAt: null,
            ...(blockedStatus ? { status: 'online' as const, lastError: null, lastCheckedAt: new Date() } : {}),
          },
        );
        if (!dropped.affected) return; // accepted or dropped by someone else meanwhile
        const server = await this.publicServer(entity.id);
        if (!server) return;
        if (blockedStatus) entity.status = 'online';
        await hooks.hostKeyRestored.promise({ server, trusted: key, dropped: keyOf(current.pendingHostKeyFingerprint, current.pendingHostKeyAlgorithm), ...announce });
        if (blockedStatus) await hooks.serverStatusChanged.promise({ serverId: entity.id, from: current.status, to: 'online', error: null });
      },
    };
  }

  /** Holds the presented key for an admin's decision; announces it only when it is not the one already held. */
  private async recordMismatch(current: ServerEntity, key: HostKeyInfo, announce: { by: ServerActor; call?: CallContext }): Promise<void> {
    const now = new Date();
    const blocked = { status: 'error' as const, lastError: HOST_KEY_CHANGED_MESSAGE, lastCheckedAt: now };
    const isNew = current.pendingHostKeyFingerprint !== key.fingerprint;
    const held = isNew
      ? await this.repo.update(
          { id: current.id, pendingHostKeyFingerprint: current.pendingHostKeyFingerprint ?? IsNull() },
          { pendingHostKeyFingerprint: key.fingerprint, pendingHostKeyAlgorithm: key.algorithm, pendingHostKeySeenAt: now, ...blocked },
        )
      : { affected: 0 };
    if (!held.affected) {
      // The same key again (every poll meets it), or another connection held it first: the status only.
      await this.repo.update({ id: current.id }, blocked);
      return;
    }
    const server = current.hostKeyFingerprint ? await this.publicServer(current.id) : null;
    if (server && current.hostKeyFingerprint) {
      await this.hooks.of(serversHooks).hostKeyChanged.promise({ server, trusted: keyOf(current.hostKeyFingerprint, current.hostKeyAlgorithm), presented: key, ...announce });
    }
  }

  /** Announces that an admin accepted `accepted` in place of `previous` (the record is already written). */
  async announceAccepted(server: ReturnType<typeof toPublicServer>, previous: ServerEntity, accepted: HostKeyInfo, by: ServerActor, call?: CallContext): Promise<void> {
    const before = previous.hostKeyFingerprint ? keyOf(previous.hostKeyFingerprint, previous.hostKeyAlgorithm) : null;
    await this.hooks.of(serversHooks).hostKeyAccepted.promise({ server, previous: before, accepted, by, ...(call ? { call } : {}) });
  }
}
