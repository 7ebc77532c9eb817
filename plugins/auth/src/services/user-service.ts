import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { AppError, conflict, notFound, type CallContext, type HookRegistry, type Principal } from '@tomo/kernel';
import { authHooks } from '../hooks';
import { ApiTokenEntity } from '../entities/api-token.entity';
import { SessionEntity } from '../entities/session.entity';
import { UserEntity } from '../entities/user.entity';
import type { PublicUser } from '../schemas';
import type { NewUser, UserChanges, UsersApi } from '../users-api';
import type { CredentialCache } from './credential-cache';
import type { PasswordHasher } from './password-hasher';
import { toPublicUser } from './to-public';

/** Ends every session and API token of a user inside the caller's transaction. */
async function revokeCredentials(manager: EntityManager, userId: string, keepSessionId?: string): Promise<void> {
  const now = new Date();
  const sessions = manager.createQueryBuilder().update(SessionEntity).set({ revokedAt: now }).where('userId = :userId AND revokedAt IS NULL', { userId });
  if (keepSessionId) sessions.andWhere('id != :keep', { keep: keepSessionId });
  await sessions.execute();
  await manager.update(ApiTokenEntity, { userId, revokedAt: IsNull() }, { revokedAt: now });
}

/** Users and their life cycle. Admin-only operations are enforced by the routes and tools. */
export class UserService implements UsersApi {
  /** Public views by id, so reading your own profile costs no query; dropped on every write. */
  private readonly publicById = new Map<string, { user: PublicUser; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly hooks: HookRegistry,
    private readonly credentials: CredentialCache,
  ) {}

  /** Drops what is cached about a user (after any change to them). */
  private forget(id: string): void {
    this.publicById.delete(id);
    this.credentials.forgetUser(id);
  }

  /** Drops the cached public view of a user (after another service changed their record). */
  forgetCached(id: string): void {
    this.publicById.delete(id);
  }

  private get repo() {
    return this.dataSource.getRepository(UserEntity);
  }

  /** True while no admin exists (first run). */
  async needsSetup(): Promise<boolean> {
    return (await this.repo.countBy({ role: 'admin' })) === 0;
  }

  /** The record with its password hash: for the login check only, never handed out. */
  async findEntityByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ usernameKey: username.trim().toLowerCase() });
  }

  async findByUsername(username: string): Promise<PublicUser | null> {
    const user = await this.findEntityByUsername(username);
    return user ? toPublicUser(user) : null;
  }

  async getEntity(id: string): Promise<UserEntity> {
    const user = await this.repo.findOneBy({ id });
    if (!user) throw notFound('User');
    return user;
  }

  async get(id: string): Promise<PublicUser> {
    const cached = this.publicById.get(id);
    if (cached && cached.until > Date.now()) return cached.user;
    const user = toPublicUser(await this.getEntity(id));
    this.publicById.set(id, { user, until: Date.now() + 15000 });
    return user;
  }

  async list(): Promise<PublicUser[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC' } })).map(toPublicUser);
  }

  async create(input: NewUser, call: CallContext): Promise<PublicUser> {
    const usernameKey = input.username.toLowerCase();
    if (await this.repo.existsBy({ usernameKey })) throw conflict(`Username "${input.username}" is taken`, 'username');
    const passwordHash = await this.hasher.hash(input.password);
    const entity = this.repo.create({
      id: randomUUID(),
      username: input.username,
      usernameKey,
      email: input.email,
      role: input.role,
      passwordHash,
      disabled: false,
      lastLoginAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    try {
      await this.repo.insert(entity);
    } catch (err) {
      // Two creations racing for one name: the unique index decides.
      if (/UNIQUE|unique/.test((err as Error).message)) throw conflict(`Username "${input.username}" is taken`, 'username');
      throw err;
    }
    const user = toPublicUser(await this.getEntity(entity.id));
    await this.hooks.of(authHooks).userCreated.promise({ user, call });
    return user;
  }

  /** Refuses changes that would leave no active admin. */
  private async assertAdminRemains(target: UserEntity, next: { role: string; disabled: boolean; deleted?: boolean }): Promise<void> {
    const stillAdmin = next.role === 'admin' && !next.disabled && !next.deleted;
    if (target.role !== 'admin' || target.disabled || stillAdmin) return;
    const activeAdmins = await this.repo.countBy({ role: 'admin', disabled: false });
    if (activeAdmins <= 1) throw conflict('This is the last active admin: make another admin first', next.deleted ? 'id' : 'role');
  }

  async update(id: string, changes: UserChanges, call: CallContext): Promise<PublicUser> {
    const user = await this.getEntity(id);
    const actor = call.principal;
    if (actor?.id === id && (changes.disabled === true || changes.role === 'user')) {
      throw new AppError(409, 'conflict', 'You cannot disable yourself or remove your own admin role', changes.disabled ? 'disabled' : 'role');
    }
    await this.assertAdminRemains(user, { role: changes.role ?? user.role, disabled: changes.disabled ?? user.disabled });
    const changed: string[] = [];
    const patch: Partial<UserEntity> = {};
    if (changes.email !== undefined && changes.email !== user.email) {
      patch.email = changes.email;
      changed.push('email');
    }
    if (changes.role !== undefined && changes.role !== user.role) {
      patch.role = changes.role;
      changed.push('role');
    }
    if (changes.disabled !== undefined && changes.disabled !== Boolean(user.disabled)) {
      patch.disabled = changes.disabled;
      changed.push('disabled');
    }
    if (changes.password !== undefined) {
      patch.passwordHash = await this.hasher.hash(changes.password);
      changed.push('password');
    }
    if (changed.length) {
      this.forget(id);
      await this.dataSource.transaction(async (manager) => {
        await manager.update(UserEntity, { id }, { ...patch, updatedAt: new Date() });
        // A new password, a disabled account or a changed role ends every existing credential at once.
        if (patch.passwordHash || patch.disabled || patch.role) await revokeCredentials(manager, id);
      });
    }
    this.forget(id);
    const updated = toPublicUser(await this.getEntity(id));
    if (changed.length) await this.hooks.of(authHooks).userUpdated.promise({ user: updated, changes: changed, call });
    return updated;
  }

  async delete(id: string, call: CallContext): Promise<void> {
    const user = await this.getEntity(id);
    if (call.principal?.id === id) throw new AppError(409, 'conflict', 'You cannot delete yourself', 'id');
    await this.assertAdminRemains(user, { role: user.role, disabled: user.disabled, deleted: true });
    await this.dataSource.transaction(async (manager) => {
      await revokeCredentials(manager, id);
      await manager.delete(UserEntity, { id });
    });
    this.forget(id);
    await this.hooks.of(authHooks).userDeleted.promise({ user: toPublicUser(user), call });
  }

  /** A user changes their own password: the current one is checked; other sessions and all API tokens end. */
  async changeOwnPassword(principal: Principal, currentPassword: string, newPassword: string, call: CallContext): Promise<void> {
    const user = await this.getEntity(principal.id);
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) {
      throw new AppError(400, 'invalid_password', 'currentPassword: does not match your current password', 'currentPassword');
    }
    const passwordHash = await this.hasher.hash(newPassword);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(UserEntity, { id: user.id }, { passwordHash, updatedAt: new Date() });
      await revokeCredentials(manager, user.id, principal.credentialKind === 'session' ? principal.sessionId : undefined);
    });
    this.forget(user.id);
    await this.hooks.of(authHooks).userUpdated.promise({ user: toPublicUser(await this.getEntity(user.id)), changes: ['password'], call });
  }

  async recordLogin(id: string): Promise<void> {
    await this.repo.update({ id }, { lastLoginAt: new Date() });
    this.publicById.delete(id);
  }
}
