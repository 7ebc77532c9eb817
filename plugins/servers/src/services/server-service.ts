import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, badRequest, conflict, notFound, ownerScope, requireOwned, type AuthenticatedCall, type CallContext, type HookRegistry, type Principal } from '@tomo/kernel';
import type { SecretVault } from '@tomo/kernel';
import type { ReachabilityOutcome, ServerActor, ServerHandle } from '../contract/server-handle';
import type { ConnectionTestResult, ServerService as ServerServiceContract } from '../contract/server-service';
import { serversHooks } from '../hooks';
import { ServerEntity } from '../entities/server.entity';
import type { CreateServerInput, PublicServer, SystemFacts, UpdateServerInput } from '../schemas';
import { checkCredentials, type StoredCredentials } from './ssh-credentials';
import { SshServerHandle, type HandleServices } from './server-handle';
import { HostKeyTrust } from './host-key-trust';
import type { SshConnectionPool, SshTarget } from './ssh-connection-pool';
import { SshError } from './ssh-errors';
import { FACTS_ARGV, parseFacts } from './system-facts';
import { toPublicServer } from './to-public-server';

export type { ConnectionTestResult } from '../contract/server-service';

/** Which failures mean "not reachable" (offline) rather than "reachable but refused" (error). */
const OFFLINE_CODES = new Set(['connection_refused', 'host_unreachable', 'host_not_found', 'timed_out', 'connection_lost']);

/**
 * Servers: records with sealed credentials, the ownership rule, connection tests, host-key
 * trust, and handles through which other plugins (preparation, apps, monitoring) work on a server.
 */
export class ServerService implements ServerServiceContract {
  /** What the handles this service makes use of it. */
  private readonly handleServices: HandleServices;
  private readonly hostKeys: HostKeyTrust;

  constructor(
    private readonly dataSource: DataSource,
    private readonly vault: SecretVault,
    private readonly pool: SshConnectionPool,
    private readonly hooks: HookRegistry,
  ) {
    this.hostKeys = new HostKeyTrust(dataSource, hooks);
    this.handleServices = {
      pool,
      openCredentials: (entity) => this.openCredentials(entity),
      hostKeyEvents: (entity, actor) => this.hostKeys.eventsFor(entity, actor),
      recordReachability: (serverId, outcome) => this.recordReachability(serverId, outcome),
    };
  }

  private get repo() {
    return this.dataSource.getRepository(ServerEntity);
  }

  /** The record when the principal may access it; otherwise 404 (never 403, so ids cannot be probed). */
  private async owned(principal: Principal, id: string): Promise<ServerEntity> {
    return requireOwned(principal, await this.repo.findOneBy({ id }), 'Server');
  }

  async get(principal: Principal, id: string): Promise<PublicServer> {
    return toPublicServer(await this.owned(principal, id));
  }

  async list(principal: Principal): Promise<PublicServer[]> {
    const rows = await this.repo.find({ where: { ...ownerScope(principal) }, order: { name: 'ASC' } });
    return rows.map(toPublicServer);
  }

  async listForSystem(): Promise<PublicServer[]> {
    return (await this.repo.find({ order: { name: 'ASC' } })).map(toPublicServer);
  }

  /** One read of the record and one ownership check; the handle decrypts on its first SSH call. */
  async forCaller(principal: Principal, serverId: string): Promise<ServerHandle> {
    return this.handle(await this.owned(principal, serverId), { kind: 'user', principal });
  }

  async forSystem(serverId: string): Promise<ServerHandle> {
    const entity = await this.repo.findOneBy({ id: serverId });
    if (!entity) throw notFound('Server');
    return this.handle(entity, { kind: 'system' });
  }

  private handle(entity: ServerEntity, actor: ServerActor): ServerHandle {
    return new SshServerHandle(entity, actor, this.handleServices);
  }

  /** Names are unique per owner (the server's owner: an admin may edit another user's server). */
  private async assertNameFree(ownerId: string, name: string, exceptId?: string): Promise<void> {
    const clash = await this.repo.findOneBy({ name, ownerId });
    if (clash && clash.id !== exceptId) throw conflict(`You already have a server named "${name}"`, 'name');
  }

  async create(input: CreateServerInput, call: AuthenticatedCall): Promise<PublicServer> {
    const credentials = checkCredentials(input.authType, input.credentials);
    await this.assertNameFree(call.principal.id, input.name);
    const id = randomUUID();
    const now = new Date();
    const entity = this.repo.create({
      id,
      name: input.name,
      host: input.host,
      port: input.port,
      username: input.username,
      authType: input.authType,
      credentialsSealed: this.vault.seal(JSON.stringify(credentials), id),
      hostKeyFingerprint: null,
      hostKeyAlgorithm: null,
      hostKeyFirstSeenAt: null,
      pendingHostKeyFingerprint: null,
      pendingHostKeyAlgorithm: null,
      pendingHostKeySeenAt: null,
      status: 'unknown',
      lastError: null,
      lastCheckedAt: null,
      factsJson: null,
      ownerId: call.principal.id,
      createdAt: now,
      updatedAt: now,
    });
    await this.repo.insert(entity);
    const server = toPublicServer(entity);
    await this.hooks.of(serversHooks).serverAdded.promise({ server, call });
    return server;
  }

  async update(id: string, input: UpdateServerInput, call: AuthenticatedCall): Promise<PublicServer> {
    const entity = await this.owned(call.principal, id);
    const patch: Partial<ServerEntity> = {};
    const changes: string[] = [];
    if (input.name !== undefined && input.name !== entity.name) {
      await this.assertNameFree(entity.ownerId, input.name, id);
      patch.name = input.name;
      changes.push('name');
    }
    for (const key of ['host', 'port', 'username'] as const) {
      if (input[key] !== undefined && input[key] !== entity[key]) {
        (patch as Record<string, unknown>)[key] = input[key];
        changes.push(key);
      }
    }
    const authType = input.authType ?? entity.authType;
    if (input.credentials) {
      patch.credentialsSealed = this.vault.seal(JSON.stringify(checkCredentials(authType, input.credentials)), id);
      patch.authType = authType;
      changes.push('credentials');
    } else if (input.authType && input.authType !== entity.authType) {
      const field = input.authType === 'password' ? 'credentials.password' : 'credentials.privateKey';
      throw badRequest(field, `${field}: is required when authType changes to "${input.authType}"`);
    }
    if (patch.host !== undefined || patch.port !== undefined) {
      // Another address may be another machine: its key must be seen (and trusted) afresh.
      Object.assign(patch, { hostKeyFingerprint: null, hostKeyAlgorithm: null, hostKeyFirstSeenAt: null, pendingHostKeyFingerprint: null, pendingHostKeyAlgorithm: null, pendingHostKeySeenAt: null });
    }
    if (changes.length) {
      patch.status = 'unknown';
      patch.updatedAt = new Date();
      await this.repo.update({ id }, patch);
      this.pool.drop(id);
    }
    const server = toPublicServer({ ...entity, ...patch } as ServerEntity);
    if (changes.length) await this.hooks.of(serversHooks).serverUpdated.promise({ server, changes, call });
    return server;
  }

  /** Deletes the record and its credentials, closes its connection, and tells other plugins. */
  async delete(id: string, call: AuthenticatedCall): Promise<void> {
    const entity = await this.owned(call.principal, id);
    // Dependants clean up first (their rows refer to the server) or refuse (work in flight on it),
    // then the connection and the record go: a refusal must not cut the work it protects.
    await this.hooks.of(serversHooks).serverDeleting.promise({ server: toPublicServer(entity), call });
    this.pool.drop(id);
    await this.repo.delete({ id });
    await this.hooks.of(serversHooks).serverDeleted.promise({ server: toPublicServer(entity), call });
  }

  private openCredentials(entity: ServerEntity): StoredCredentials {
    try {
      return JSON.parse(this.vault.openText(entity.credentialsSealed, entity.id)) as StoredCredentials;
    } catch {
      throw new AppError(500, 'credentials_unreadable', 'The stored credentials of this server cannot be decrypted (was the vault key replaced?); enter them again');
    }
  }

  private target(entity: ServerEntity): SshTarget {
    const credentials = this.openCredentials(entity);
    return { id: entity.id, host: entity.host, port: entity.port, username: entity.username, credentials, trustedFingerprint: entity.hostKeyFingerprint };
  }

  private async recordStatus(id: string, status: PublicServer['status'], lastError: string | null, facts?: SystemFacts): Promise<void> {
    await this.repo.update({ id }, { status, lastError: lastError?.slice(0, 500) ?? null, lastCheckedAt: new Date(), ...(facts ? { factsJson: JSON.stringify(facts) } : {}) });
  }

  /** Connects afresh, runs one round trip, records status and facts. A failure is a result, not an exception. */
  async testConnection(principal: Principal, id: string, call?: CallContext): Promise<ConnectionTestResult> {
    const entity = await this.owned(principal, id);
    const hadKey = Boolean(entity.hostKeyFingerprint);
    const target = this.target(entity);
    // `entity.status` follows a restored host key's status change (announced there), so the
    // comparison below announces only what this test changed.
    const events = this.hostKeys.eventsFor(entity, { kind: 'user', principal }, call);
    let result: ConnectionTestResult;
    try {
      const { connectMs, hostKey } = await this.pool.connectFresh(target, events);
      const run = await this.pool.exec({ ...target, trustedFingerprint: entity.hostKeyFingerprint }, FACTS_ARGV, { timeoutMs: 15000 }, events);
      const facts = parseFacts(run.stdout);
      await this.recordStatus(id, 'online', null, facts);
      result = {
        ok: true,
        status: 'online',
        latency: { connectMs: Math.round(connectMs * 10) / 10, commandMs: Math.round(run.durationMs * 10) / 10 },
        ...(hostKey ? { hostKey: { ...hostKey, firstSeen: !hadKey } } : {}),
        facts,
      };
    } catch (err) {
      const error = err instanceof SshError ? err : new SshError('ssh_failed');
      const status = OFFLINE_CODES.has(error.code) ? 'offline' : 'error';
      if (error.code !== 'host_key_changed') await this.recordStatus(id, status, error.message);
      result = { ok: false, status, error: { code: error.code, message: error.message } };
    }
    if (entity.status !== result.status) {
      await this.hooks.of(serversHooks).serverStatusChanged.promise({ serverId: id, from: entity.status, to: result.status, error: result.error?.message ?? null });
    }
    return result;
  }

  /**
   * Records what a background check (the monitoring poller, through its handle) found, so the
   * server's status on its record and in the console follows the poller and not only the last
   * manual connection test. Writes only on a change; a failure that is not about reachability
   * (refused login) is `error`, and a changed host key keeps the status the key check wrote.
   */
  private async recordReachability(id: string, outcome: ReachabilityOutcome): Promise<void> {
    const entity = await this.repo.findOneBy({ id });
    if (!entity) return; // deleted meanwhile
    let status: PublicServer['status'] = 'online';
    let lastError: string | null = null;
    if (!outcome.ok) {
      const error = outcome.error instanceof SshError ? outcome.error : null;
      if (error?.code === 'host_key_changed') return;
      status = error && !OFFLINE_CODES.has(error.code) ? 'error' : 'offline';
      lastError = (error ?? (outcome.error instanceof Error ? outcome.error : null))?.message ?? 'the server does not answer';
    }
    if (entity.status === status && (status !== 'online' || entity.lastError === null)) return;
    await this.recordStatus(id, status, lastError);
    if (entity.status !== status) {
      await this.hooks.of(serversHooks).serverStatusChanged.promise({ serverId: id, from: entity.status, to: status, error: lastError });
    }
  }

  /** An admin trusts the new host key the server presented, after comparing its fingerprint. */
  async acceptHostKey(principal: Principal, id: string, fingerprint: string, call?: CallContext): Promise<PublicServer> {
    const entity = await this.owned(principal, id);
    if (!entity.pendingHostKeyFingerprint) throw conflict('This server has presented no new host key to accept', 'fingerprint');
    if (entity.pendingHostKeyFingerprint !== fingerprint) {
      throw badRequest('fingerprint', 'fingerprint: does not match the key the server presented; check it again');
    }
    const patch = {
      hostKeyFingerprint: entity.pendingHostKeyFingerprint,
      hostKeyAlgorithm: entity.pendingHostKeyAlgorithm,
      hostKeyFirstSeenAt: new Date(),
      pendingHostKeyFingerprint: null,
      pendingHostKeyAlgorithm: null,
      pendingHostKeySeenAt: null,
      status: 'unknown' as const,
      lastError: null,
      updatedAt: new Date(),
    };
    // Only the key that was checked: a connection that dropped or replaced it meanwhile makes this a 409, not a silent trust.
    const written = await this.repo.update({ id, pendingHostKeyFingerprint: fingerprint }, patch);
    if (!written.affected) throw conflict('This server has presented no new host key to accept', 'fingerprint');
    this.pool.drop(id);
    const server = toPublicServer({ ...entity, ...patch });
    await this.hostKeys.announceAccepted(server, entity, { fingerprint, algorithm: patch.hostKeyAlgorithm ?? 'unknown' }, { kind: 'user', principal }, call);
    return server;
  }
}
