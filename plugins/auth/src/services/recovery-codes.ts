import { createHash, randomInt, randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { RecoveryCodeEntity } from '../entities/recovery-code.entity';

/** How many recovery codes a user gets at a time. */
export const RECOVERY_CODE_COUNT = 10;
/** Crockford-style alphabet: no I, L, O, U, so a code read aloud or copied by hand is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 16 characters of 32 = 80 random bits per code. */
const CODE_LENGTH = 16;

/** A recovery code as typed: case, spaces and dashes do not matter. */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** True when `input` has the shape of a recovery code (and so is not a TOTP code). */
export function looksLikeRecoveryCode(input: string): boolean {
  return new RegExp(`^[${ALPHABET}]{${CODE_LENGTH}}$`).test(normaliseRecoveryCode(input));
}

function hashCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');
}

function newCode(): string {
  let raw = '';
  for (let i = 0; i < CODE_LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return raw.match(/.{4}/g)!.join('-');
}

/**
 * Single-use recovery codes: shown once when made, stored as SHA-256 only, each spent by its
 * first use. Making a new set deletes the old one.
 */
export class RecoveryCodes {
  private readonly spentListeners: Array<(userId: string) => void> = [];

  constructor(private readonly dataSource: DataSource) {}

  /** Calls `listener` with the user's id each time one of their codes is spent. */
  onSpent(listener: (userId: string) => void): void {
    this.spentListeners.push(listener);
  }

  /** Replaces the user's codes with a fresh set (inside the caller's transaction) and returns them in clear, this once. */
  async replace(manager: EntityManager, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
    await manager.delete(RecoveryCodeEntity, { userId });
    const now = new Date();
    await manager.insert(
      RecoveryCodeEntity,
      codes.map((code) => ({ id: randomUUID(), userId, codeHash: hashCode(code), createdAt: now, usedAt: null })),
    );
    return codes;
  }

  /** Deletes every code of the user (second factor turned off or reset). */
  async deleteAll(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(RecoveryCodeEntity, { userId });
  }

  /**
   * Spends one of the user's unused codes: true the first time, false for a wrong, used or
   * someone else's code. The update's condition makes two racing uses of one code spend it once.
   */
  async consume(userId: string, code: string): Promise<boolean> {
    if (!looksLikeRecoveryCode(code)) return false;
    const result = await this.dataSource
      .getRepository(RecoveryCodeEntity)
      .update({ userId, codeHash: hashCode(code), usedAt: IsNull() }, { usedAt: new Date() });
    const spent = (result.affected ?? 0) === 1;
    if (spent) for (const listener of this.spentListeners) listener(userId);
    return spent;
  }

  /** Unused codes per user. */
  async countLeft(userIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (!userIds.length) return counts;
    const rows: { userId: string; n: number | string }[] = await this.dataSource
      .getRepository(RecoveryCodeEntity)
      .createQueryBuilder('c')
      .select('c.userId', 'userId')
      .addSelect('COUNT(*)', 'n')
      .where('c.userId IN (:...userIds) AND c.usedAt IS NULL', { userIds })
      .groupBy('c.userId')
      .getRawMany();
    for (const row of rows) counts.set(row.userId, Number(row.n));
    return counts;
  }
}
