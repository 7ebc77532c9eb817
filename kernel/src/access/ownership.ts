import { notFound } from '../errors';
import type { Principal } from './principal';

/**
 * The ownership rule shared by every plugin: a `user` sees and acts only on records they
 * own; an `admin` sees everything. Records carry an `ownerId` column.
 */
export interface Owned {
  /** The {@link Principal.id} of the user who owns the record. */
  ownerId: string;
}

/**
 * A TypeORM `where` fragment restricting a query to what the principal may see.
 * Spread it into the where clause: `repo.find({ where: { ...ownerScope(p) } })`.
 */
export function ownerScope(principal: Principal): {
  /** The principal's id for a `user`; absent for an `admin` (no restriction). */
  ownerId?: string;
} {
  return principal.role === 'admin' ? {} : { ownerId: principal.id };
}

/** True when the principal may see or act on the record. */
export function canAccess(principal: Principal, record: Owned): boolean {
  return principal.role === 'admin' || record.ownerId === principal.id;
}

/**
 * Returns the record when the principal may access it; otherwise throws 404 (never 403),
 * so another user's ids cannot be told apart from ids that do not exist.
 */
export function requireOwned<T extends Owned>(principal: Principal, record: T | null | undefined, what: string): T {
  if (!record || !canAccess(principal, record)) throw notFound(what);
  return record;
}
