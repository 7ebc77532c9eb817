import { In, Not, IsNull, type DataSource } from 'typeorm';
import { PasskeyEntity } from '../entities/passkey.entity';
import { RecoveryCodeEntity } from '../entities/recovery-code.entity';
import { UserEntity } from '../entities/user.entity';
import { compileSelect } from './compiled-select';
import type { RecoveryCodes } from './recovery-codes';

/** A way to finish a login after the password. */
export type SecondFactorMethod = 'totp' | 'recovery' | 'passkey';

/** Which second factors a user has: shown on the Users page and in `me`. Never a secret. */
export interface FactorsSummary {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

/** How long `/me` may show a user's factors without reading them again (a change made in this process shows at once). */
export const RECENT_FACTORS_MS = 15000;
/** Users whose factors are remembered at most; beyond, the memory starts over. */
const MAX_RECENT = 10000;

/** Counts passkeys per user; supplied by the passkeys part of this plugin when it is there. */
export type PasskeyCounter = (userIds: string[]) => Promise<Map<string, number>>;

/**
 * Answers "which second factors does this user have?" for the login (does it need a second step,
 * and which methods can finish it) and for display. Passkeys are counted by whatever registered a
 * {@link PasskeyCounter}; without one, nobody has passkeys.
 */
export class UserFactors {
  private passkeyCounter: PasskeyCounter = async () => new Map();
  private readonly recent = new Map<string, { summary: FactorsSummary; until: number }>();
  /** Bumped by every change: a read that started before one must not be remembered. */
  private generation = 0;
  /** One user's factors in one query: `/me` and every login ask, so its SQL is built once. */
  private readonly summaryRow: (v: { userId: string }) => Promise<Array<Record<keyof FactorsSummary, number | string>>>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly recovery: RecoveryCodes,
  ) {
    this.summaryRow = compileSelect(dataSource, ['userId'], (p) =>
      dataSource
        .getRepository(UserEntity)
        .createQueryBuilder('u')
        .select('CASE WHEN u.totpSecret IS NULL THEN 0 ELSE 1 END', 'totp')
        .addSelect((q) => q.select('COUNT(*)').from(PasskeyEntity, 'pk').where('pk.userId = u.id'), 'passkeys')
        .addSelect((q) => q.select('COUNT(*)').from(RecoveryCodeEntity, 'rc').where('rc.userId = u.id AND rc.usedAt IS NULL'), 'recoveryCodesLeft')
        .where('u.id = :userId', p),
    );
    recovery.onSpent((userId) => this.forget(userId));
  }

  /**
   * A user's factors for display (`/me` asks on every call): read at most {@link RECENT_FACTORS_MS}
   * ago. Every change made in this process drops what was read ({@link forget}, called by the
   * plugin on its two-factor, passkey, login and deletion events and by a spent recovery code);
   * only a change made by another process (a CLI command) can take that long to show. Decisions
   * (the login's second step, the enrolment policy) use {@link summary}, which always reads.
   */
  async recentSummary(userId: string): Promise<FactorsSummary> {
    const now = Date.now();
    const hit = this.recent.get(userId);
    if (hit && hit.until > now) return hit.summary;
    const generation = this.generation;
    const summary = await this.summary(userId);
    if (generation === this.generation) {
      if (this.recent.size >= MAX_RECENT) this.recent.clear();
      this.recent.set(userId, { summary, until: now + RECENT_FACTORS_MS });
    }
    return summary;
  }

  /** The user's factors changed (or may have): the next {@link recentSummary} reads them again. */
  forget(userId: string): void {
    this.generation++;
    this.recent.delete(userId);
  }

  /** Lets the passkeys feature report its counts. */
  setPasskeyCounter(counter: PasskeyCounter): void {
    this.passkeyCounter = counter;
  }

  async summaries(userIds: string[]): Promise<Map<string, FactorsSummary>> {
    const out = new Map<string, FactorsSummary>();
    if (!userIds.length) return out;
    const [withTotp, codes, passkeys] = await Promise.all([
      this.dataSource.getRepository(UserEntity).find({ select: { id: true }, where: { id: In(userIds), totpSecret: Not(IsNull()) } }),
      this.recovery.countLeft(userIds),
      this.passkeyCounter(userIds),
    ]);
    const totp = new Set(withTotp.map((u) => u.id));
    for (const id of userIds) out.set(id, { totp: totp.has(id), passkeys: passkeys.get(id) ?? 0, recoveryCodesLeft: codes.get(id) ?? 0 });
    return out;
  }

  /**
   * One user's factors, read fresh (the login decides on it): the same figures as
   * {@link summaries}, counting the passkeys table itself, which this plugin always has.
   */
  async summary(userId: string): Promise<FactorsSummary> {
    const [row] = await this.summaryRow({ userId });
    return { totp: Number(row?.totp ?? 0) === 1, passkeys: Number(row?.passkeys ?? 0), recoveryCodesLeft: Number(row?.recoveryCodesLeft ?? 0) };
  }

  /** The methods that can finish this user's login; empty when the password alone is enough. */
  static methodsOf(summary: FactorsSummary): SecondFactorMethod[] {
    const methods: SecondFactorMethod[] = [];
    if (summary.totp) methods.push('totp');
    if (summary.totp && summary.recoveryCodesLeft > 0) methods.push('recovery');
    if (summary.passkeys > 0) methods.push('passkey');
    return methods;
  }

  static hasSecondFactor(summary: FactorsSummary): boolean {
    return summary.totp || summary.passkeys > 0;
  }
}
