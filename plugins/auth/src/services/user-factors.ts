import { In, Not, IsNull, type DataSource } from 'typeorm';
import { UserEntity } from '../entities/user.entity';
import type { RecoveryCodes } from './recovery-codes';

/** A way to finish a login after the password. */
export type SecondFactorMethod = 'totp' | 'recovery' | 'passkey';

/** Which second factors a user has: shown on the Users page and in `me`. Never a secret. */
export interface FactorsSummary {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

/** Counts passkeys per user; supplied by the passkeys part of this plugin when it is there. */
export type PasskeyCounter = (userIds: string[]) => Promise<Map<string, number>>;

/**
 * Answers "which second factors does this user have?" for the login (does it need a second step,
 * and which methods can finish it) and for display. Passkeys are counted by whatever registered a
 * {@link PasskeyCounter}; without one, nobody has passkeys.
 */
export class UserFactors {
  private passkeyCounter: PasskeyCounter = async () => new Map();

  constructor(
    private readonly dataSource: DataSource,
    private readonly recovery: RecoveryCodes,
  ) {}

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

  async summary(userId: string): Promise<FactorsSummary> {
    return (await this.summaries([userId])).get(userId)!;
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
