import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import type { JwtPayload } from 'jsonwebtoken';
import { IsNull, Not, type DataSource } from 'typeorm';
import { lazyModule, type CallContext, type Clock, type Principal } from '@tomo/kernel';
import { SessionEntity } from '../entities/session.entity';
import { UserEntity } from '../entities/user.entity';
import type { CredentialCache } from './credential-cache';

/** jsonwebtoken (and its semver, jws, lodash helpers) loads with the first token signed or checked. */
const jwt = lazyModule<typeof import('jsonwebtoken')>(require, 'jsonwebtoken');

const ISSUER = 'tomo';
const AUDIENCE = 'tomo-session';
/** Pinned: a token signed any other way (including `none`) is refused. */
const ALGORITHM = 'HS256' as const;
/** Write a session's `lastSeenAt` at most this often: last use is exact in memory, coarse on disk. */
export const LAST_SEEN_WRITE_INTERVAL_MS = 60000;

/** A freshly issued login token. */
export interface IssuedSession {
  token: string;
  sessionId: string;
  expiresAt: string;
}

/** How long sessions live. */
export interface SessionLimits {
  /** Absolute lifetime (`auth.sessionTtl`): a session ends then, however busy. */
  ttlMs: number;
  /** A session unused this long ends (`auth.sessionIdleTimeout`, capped at the TTL). */
  idleMs: number;
}

/** Last use of a live session, in memory (epoch ms). */
interface Activity {
  userId: string;
  /** Last authenticated request. */
  seen: number;
  /** What `lastSeenAt` on disk holds. */
  written: number;
}

/**
 * Login sessions: a signed JWT (subject = user, `sid` = session record) plus the record itself.
 * A token authenticates only while its signature, expiry, session record (not revoked, not past
 * `expiresAt`), idle time and user (not disabled) all agree.
 *
 * Idle timeout: every authenticated request is use. The time of last use is kept in memory per
 * session and written to `lastSeenAt` at most once a minute (and at shutdown), so a restart keeps
 * the idle clock (a crash loses at most a minute of it, which can only end a session sooner).
 * The check runs on every request, cached credential or not.
 */
export class SessionService {
  /** A KeyObject, not a Buffer: given a Buffer, jsonwebtoken first tries (and fails) to parse it as a public key on every call. */
  private readonly key: KeyObject;
  private readonly activity = new Map<string, Activity>();
  private lastSweep = 0;

  constructor(
    private readonly dataSource: DataSource,
    secret: Buffer,
    private readonly limits: SessionLimits,
    private readonly cache: CredentialCache,
    private readonly clock: Clock = { now: () => new Date() },
  ) {
    this.key = createSecretKey(secret);
  }

  private get repo() {
    return this.dataSource.getRepository(SessionEntity);
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  async issue(user: Pick<UserEntity, 'id'>, call: Pick<CallContext, 'transport' | 'clientIp'>): Promise<IssuedSession> {
    const sessionId = randomUUID();
    const now = this.nowMs();
    const expiresAt = new Date(now + this.limits.ttlMs);
    await this.repo.insert({
      id: sessionId,
      userId: user.id,
      transport: call.transport,
      clientIp: call.clientIp.slice(0, 64),
      createdAt: new Date(now),
      expiresAt,
      revokedAt: null,
      lastSeenAt: new Date(now),
    });
    this.activity.set(sessionId, { userId: user.id, seen: now, written: now });
    const iat = Math.floor(now / 1000);
    const token = jwt().sign({ sid: sessionId, iat, exp: iat + Math.floor(this.limits.ttlMs / 1000) }, this.key, {
      algorithm: ALGORITHM,
      subject: user.id,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    return { token, sessionId, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The principal of a session token `authenticate` checked moments ago, when its use can be
   * recorded at once: cached, not idle past the limit, and no write of its last use due. Otherwise
   * undefined, and `authenticate` decides (it also revokes an idle session, and writes the last use).
   */
  known(token: string): Principal | undefined {
    const cached = this.cache.get(token);
    if (!cached?.sessionId) return undefined;
    const activity = this.activity.get(cached.sessionId);
    if (!activity) return undefined;
    const now = this.nowMs();
    if (now - activity.seen > this.limits.idleMs || now - activity.written >= LAST_SEEN_WRITE_INTERVAL_MS) return undefined;
    activity.seen = now;
    this.sweep(now);
    return cached;
  }

  /** The principal for a session token, or undefined for anything not currently valid. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const cached = this.cache.get(token);
    // A cached session still has to pass the idle check; without its activity entry (swept), look it up again.
    if (cached?.sessionId && this.activity.has(cached.sessionId)) {
      const alive = this.touch(cached.sessionId);
      return (typeof alive === 'boolean' ? alive : await alive) ? cached : undefined;
    }
    const now = this.nowMs();
    let claims: JwtPayload;
    try {
      claims = jwt().verify(token, this.key, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE, clockTimestamp: Math.floor(now / 1000) }) as JwtPayload;
    } catch {
      return undefined;
    }
    if (typeof claims.sid !== 'string' || typeof claims.sub !== 'string') return undefined;
    const row = await this.repo
      .createQueryBuilder('s')
      .innerJoin('s.user', 'u')
      .select(['s.id', 's.createdAt', 's.lastSeenAt', 's.expiresAt', 'u.id', 'u.username', 'u.role'])
      .where('s.id = :sid AND s.userId = :sub AND s.revokedAt IS NULL AND s.expiresAt > :now AND u.disabled = :disabled', {
        sid: claims.sid,
        sub: claims.sub,
        now: new Date(now),
        disabled: false,
      })
      .getOne();
    if (!row?.user) return undefined;
    const onDisk = (row.lastSeenAt ?? row.createdAt).getTime();
    if (!(await this.touch(row.id, { userId: row.user.id, onDisk }))) return undefined;
    const principal: Principal = { id: row.user.id, name: row.user.username, role: row.user.role, sessionId: row.id, credentialKind: 'session' };
    this.cache.set(token, principal, Math.min((claims.exp ?? 0) * 1000, row.expiresAt.getTime()));
    return principal;
  }

  /**
   * Records a use of a session, or ends it when it has been idle too long (false). `fromDisk` is
   * what the record says (on a cache miss): the later of it and the memory's last use counts.
   */
  private touch(sessionId: string, fromDisk?: { userId: string; onDisk: number }): boolean | Promise<boolean> {
    // Not async: on almost every request nothing is written, and the answer is then known at
    // once (an async function's promise and await cost each authenticated request, issue 19).
    const now = this.nowMs();
    const known = this.activity.get(sessionId);
    const userId = known?.userId ?? fromDisk?.userId ?? '';
    const seen = Math.max(known?.seen ?? 0, fromDisk?.onDisk ?? 0);
    if (now - seen > this.limits.idleMs) {
      // Refused either way; a record that cannot be marked now (a full disk) is refused again next time.
      return this.revoke(sessionId).then(
        () => false,
        () => false,
      );
    }
    const written = Math.max(known?.written ?? 0, fromDisk?.onDisk ?? 0);
    const entry: Activity = { userId, seen: now, written };
    this.activity.set(sessionId, entry);
    if (now - written >= LAST_SEEN_WRITE_INTERVAL_MS) {
      // Bookkeeping only: when it cannot be written (a full disk), the memory still holds the
      // exact last use and the write is tried again later; the request itself goes on.
      return this.repo.update({ id: sessionId }, { lastSeenAt: new Date(now) }).then(
        () => {
          entry.written = now;
          this.sweep(now);
          return true;
        },
        () => {
          this.sweep(now);
          return true;
        },
      );
    }
    this.sweep(now);
    return true;
  }

  /** Forgets the activity of sessions idle past the limit (about once a minute): they are over anyway. */
  private sweep(now: number): void {
    if (now - this.lastSweep < LAST_SEEN_WRITE_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [id, a] of this.activity) if (now - a.seen > this.limits.idleMs) this.activity.delete(id);
  }

  /** Writes every last use not yet on disk (at shutdown, so a restart keeps the exact idle clock). */
  async flushLastSeen(): Promise<void> {
    for (const [id, a] of this.activity) {
      if (a.seen > a.written) {
        await this.repo.update({ id, revokedAt: IsNull() }, { lastSeenAt: new Date(a.seen) });
        a.written = a.seen;
      }
    }
  }

  async revoke(sessionId: string): Promise<void> {
    await this.repo.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    this.activity.delete(sessionId);
    this.cache.forgetRecord(sessionId);
  }

  /**
   * Ends every session of a user, except `keepSessionId` (the one changing its own password).
   * Returns how many ended.
   */
  async revokeAllForUser(userId: string, keepSessionId?: string): Promise<number> {
    const result = await this.repo.update({ userId, revokedAt: IsNull(), ...(keepSessionId ? { id: Not(keepSessionId) } : {}) }, { revokedAt: this.clock.now() });
    this.forgetUser(userId, keepSessionId);
    return result.affected ?? 0;
  }

  /** Drops what memory holds about a user's sessions (after they were revoked elsewhere). */
  forgetUser(userId: string, keepSessionId?: string): void {
    for (const [id, a] of this.activity) if (a.userId === userId && id !== keepSessionId) this.activity.delete(id);
    this.cache.forgetUser(userId);
  }

  /** Deletes records that expired more than a day ago (kept briefly for troubleshooting). */
  async pruneExpired(): Promise<void> {
    const cutoff = new Date(this.nowMs() - 86400000);
    await this.repo.createQueryBuilder().delete().where('expiresAt < :cutoff', { cutoff }).execute();
  }
}
