import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { notFound, type CallContext, type Principal } from '@tomo/kernel';
import { ApiTokenEntity } from '../entities/api-token.entity';
import { UserEntity } from '../entities/user.entity';
import type { PublicApiToken } from '../schemas';
import type { CredentialCache } from './credential-cache';
import type { ApiTokensApi, CreatedApiToken } from '../users-api';
import { toPublicToken } from './to-public';

/** Recognisable prefix: secret scanners and people can tell a Tomo token at a glance. */
export const API_TOKEN_PREFIX = 'tomo_pat_';
/** Write `lastUsedAt` at most this often per token, so reads do not each cost a write. */
const LAST_USED_WRITE_INTERVAL_MS = 60000;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Personal API tokens: created (shown once), listed, revoked; stored as SHA-256 only. */
export class ApiTokenService implements ApiTokensApi {
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: CredentialCache,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(ApiTokenEntity);
  }

  async create(principal: Principal, input: { name: string; expiresInDays?: number }, _call?: CallContext): Promise<CreatedApiToken> {
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const entity = this.repo.create({
      id: randomUUID(),
      userId: principal.id,
      name: input.name,
      prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
      tokenHash: sha256(token),
      lastUsedAt: null,
      revokedAt: null,
      createdAt: new Date(),
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86400000) : null,
    });
    await this.repo.insert(entity);
    const saved = await this.repo.findOneByOrFail({ id: entity.id });
    return { token, record: toPublicToken(saved) };
  }

  /** The caller's own tokens that are still usable. */
  async list(principal: Principal): Promise<PublicApiToken[]> {
    const rows = await this.repo.find({ where: { userId: principal.id, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
    return rows.filter((t) => !t.expiresAt || t.expiresAt.getTime() > Date.now()).map(toPublicToken);
  }

  /** Revokes one of the caller's tokens; another user's token id is "not found". */
  async revoke(principal: Principal, tokenId: string): Promise<void> {
    const result = await this.repo.update({ id: tokenId, userId: principal.id, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.cache.forgetRecord(tokenId);
    if (!result.affected) throw notFound('API token');
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.repo.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.cache.forgetUser(userId);
  }

  /** The principal for an API token, or undefined when unknown, revoked, expired or its user is disabled. */
  /** The principal of a token `authenticate` checked moments ago (still in the cache), or undefined. */
  known(token: string): Principal | undefined {
    return token.startsWith(API_TOKEN_PREFIX) ? this.cache.get(token) : undefined;
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const cached = this.cache.get(token);
    if (cached) return cached;
    const record = await this.repo.findOneBy({ tokenHash: sha256(token), revokedAt: IsNull() });
    if (!record || (record.expiresAt && record.expiresAt.getTime() <= Date.now())) return undefined;
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: record.userId });
    if (!user || user.disabled) return undefined;
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(record.id) ?? 0) > LAST_USED_WRITE_INTERVAL_MS) {
      // Bookkeeping only: a write that fails (a full disk) must not fail the request it came with.
      await this.repo.update({ id: record.id }, { lastUsedAt: new Date(now) }).then(
        () => this.lastUsedWrites.set(record.id, now),
        () => undefined,
      );
    }
    const principal: Principal = { id: user.id, name: user.username, role: user.role, sessionId: record.id, credentialKind: 'api_token' };
    this.cache.set(token, principal, record.expiresAt ? record.expiresAt.getTime() : undefined);
    return principal;
  }
}
