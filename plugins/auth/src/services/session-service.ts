import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { IsNull, Not, type DataSource } from 'typeorm';
import type { CallContext, Principal } from '@tomo/kernel';
import { SessionEntity } from '../entities/session.entity';
import { UserEntity } from '../entities/user.entity';
import type { CredentialCache } from './credential-cache';

const ISSUER = 'tomo';
const AUDIENCE = 'tomo-session';
/** Pinned: a token signed any other way (including `none`) is refused. */
const ALGORITHM = 'HS256' as const;

/** A freshly issued login token. */
export interface IssuedSession {
  token: string;
  sessionId: string;
  expiresAt: string;
}

/**
 * Login sessions: a signed JWT (subject = user, `sid` = session record) plus the record itself.
 * A token authenticates only while its signature, expiry, session record (not revoked) and user
 * (not disabled) all agree.
 */
export class SessionService {
  /** A KeyObject, not a Buffer: given a Buffer, jsonwebtoken first tries (and fails) to parse it as a public key on every call. */
  private readonly key: KeyObject;

  constructor(
    private readonly dataSource: DataSource,
    secret: Buffer,
    private readonly ttlMs: number,
    private readonly cache: CredentialCache,
  ) {
    this.key = createSecretKey(secret);
  }

  async issue(user: UserEntity, call: Pick<CallContext, 'transport' | 'clientIp'>): Promise<IssuedSession> {
    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.dataSource.getRepository(SessionEntity).insert({
      id: sessionId,
      userId: user.id,
      transport: call.transport,
      clientIp: call.clientIp.slice(0, 64),
      createdAt: new Date(),
      expiresAt,
      revokedAt: null,
    });
    const token = jwt.sign({ sid: sessionId }, this.key, {
      algorithm: ALGORITHM,
      subject: user.id,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: Math.floor(this.ttlMs / 1000),
    });
    return { token, sessionId, expiresAt: expiresAt.toISOString() };
  }

  /** The principal for a session token, or undefined for anything not currently valid. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, this.key, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
    } catch {
      return undefined;
    }
    if (typeof claims.sid !== 'string' || typeof claims.sub !== 'string') return undefined;
    const row = await this.dataSource
      .getRepository(SessionEntity)
      .createQueryBuilder('s')
      .innerJoin(UserEntity, 'u', 'u.id = s.userId')
      .select(['u.id AS id', 'u.username AS username', 'u.role AS role'])
      .where('s.id = :sid AND s.userId = :sub AND s.revokedAt IS NULL AND u.disabled = :disabled', { sid: claims.sid, sub: claims.sub, disabled: false })
      .getRawOne<{ id: string; username: string; role: 'admin' | 'user' }>();
    if (!row) return undefined;
    const principal: Principal = { id: row.id, name: row.username, role: row.role, sessionId: claims.sid, credentialKind: 'session' };
    this.cache.set(token, principal, (claims.exp ?? 0) * 1000);
    return principal;
  }

  async revoke(sessionId: string): Promise<void> {
    await this.dataSource.getRepository(SessionEntity).update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.cache.forgetRecord(sessionId);
  }

  /** Ends every session of a user, except `keepSessionId` (the one changing its own password). */
  async revokeAllForUser(userId: string, keepSessionId?: string): Promise<void> {
    await this.dataSource
      .getRepository(SessionEntity)
      .update({ userId, revokedAt: IsNull(), ...(keepSessionId ? { id: Not(keepSessionId) } : {}) }, { revokedAt: new Date() });
    this.cache.forgetUser(userId);
  }

  /** Deletes records that expired more than a day ago (kept briefly for troubleshooting). */
  async pruneExpired(): Promise<void> {
    const cutoff = new Date(Date.now() - 86400000);
    await this.dataSource.getRepository(SessionEntity).createQueryBuilder().delete().where('expiresAt < :cutoff', { cutoff }).execute();
  }
}
