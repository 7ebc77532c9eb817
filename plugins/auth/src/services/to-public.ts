import type { ApiTokenEntity } from '../entities/api-token.entity';
import type { UserEntity } from '../entities/user.entity';
import type { PublicApiToken, PublicUser } from '../schemas';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** The only way a user leaves the auth plugin: no password hash. */
export function toPublicUser(u: UserEntity): PublicUser {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    role: u.role,
    disabled: Boolean(u.disabled),
    createdAt: iso(u.createdAt) as string,
    updatedAt: iso(u.updatedAt) as string,
    lastLoginAt: iso(u.lastLoginAt),
  };
}

/** A token record without its hash. */
export function toPublicToken(t: ApiTokenEntity): PublicApiToken {
  return { id: t.id, name: t.name, prefix: t.prefix, createdAt: iso(t.createdAt) as string, lastUsedAt: iso(t.lastUsedAt), expiresAt: iso(t.expiresAt) };
}
