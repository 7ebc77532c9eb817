import { AppError, conflict, lazyModule, type CallContext, type Clock, type HookRegistry, type SecretVault } from '@tomo/kernel';
import type { DataSource } from 'typeorm';
import { authHooks, type TwoFactorChange } from '../hooks';
import { UserEntity } from '../entities/user.entity';
import type { PasswordHasher } from './password-hasher';
import { looksLikeRecoveryCode, type RecoveryCodes } from './recovery-codes';
import type { SecondFactorChallenges } from './second-factor-challenges';
import { toPublicUser } from './to-public';
import type { UserService } from './user-service';

// otplib and the QR code renderer load when a user first enrols or enters a code, not at start-up
// (issue 19, idle memory).
const otplib = lazyModule<typeof import('otplib')>(require, 'otplib');
const qrcode = lazyModule<typeof import('qrcode')>(require, 'qrcode');

/** Shown by authenticator apps above the account name. */
const ISSUER = 'Tomo';
/** One step of clock drift either way (RFC 6238 §5.2 recommends at most one). */
const TOLERANCE_SECONDS = 30;

/** The start of an enrolment: the only time the secret leaves Tomo. */
export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  /** The otpauth URI as a PNG QR code, as a `data:` URL. */
  qrDataUrl: string;
}

/** Which kind of second factor a code turned out to be. */
export type CodeKind = 'totp' | 'recovery';

const wrongCode = () => new AppError(400, 'invalid_code', 'code: is not a current authenticator code or an unused recovery code', 'code');

/**
 * TOTP (RFC 6238, via otplib) for one user at a time: enrolment in two steps (a pending secret,
 * then a code proving the app has it), code checks with replay protection (a time step once
 * accepted is never accepted again), turning off, fresh recovery codes, and an admin's reset.
 * Secrets are sealed by the vault, bound to the user's id.
 */
export class TotpService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly vault: SecretVault,
    private readonly users: UserService,
    private readonly recovery: RecoveryCodes,
    private readonly hasher: PasswordHasher,
    private readonly challenges: SecondFactorChallenges,
    private readonly hooks: HookRegistry,
    private readonly clock: Clock,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(UserEntity);
  }

  private async changed(userId: string, change: TwoFactorChange, call: CallContext): Promise<void> {
    this.users.forgetCached(userId);
    await this.hooks.of(authHooks).twoFactorChanged.promise({ user: toPublicUser(await this.users.getEntity(userId)), change, call });
  }

  /** Starts (or restarts) enrolment: a new secret, kept pending until confirmed. 409 when TOTP is already on. */
  async startEnrolment(userId: string): Promise<TotpEnrolment> {
    const user = await this.users.getEntity(userId);
    if (user.totpSecret) throw conflict('Two-factor authentication is already on; turn it off first to enrol another app');
    const { generateSecret, generateURI } = otplib();
    const secret = generateSecret();
    await this.repo.update({ id: user.id }, { totpPendingSecret: this.vault.seal(secret, user.id) });
    const otpauthUri = generateURI({ issuer: ISSUER, label: user.username, secret });
    return { secret, otpauthUri, qrDataUrl: await qrcode().toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 }) };
  }

  /** Turns TOTP on once a code from the pending secret checks out; returns the new recovery codes (shown this once). */
  async confirmEnrolment(userId: string, code: string, call: CallContext): Promise<string[]> {
    const user = await this.users.getEntity(userId);
    if (user.totpSecret) throw conflict('Two-factor authentication is already on');
    if (!user.totpPendingSecret) throw new AppError(409, 'no_enrolment', 'Start the enrolment first (POST /api/auth/2fa/totp)');
    const step = await this.checkTotp(this.vault.openText(user.totpPendingSecret, user.id), code, null);
    if (step === null) throw wrongCode();
    const codes = await this.dataSource.transaction(async (manager) => {
      await manager.update(UserEntity, { id: user.id }, { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpLastStep: step, totpEnabledAt: this.clock.now(), updatedAt: this.clock.now() });
      return this.recovery.replace(manager, user.id);
    });
    await this.changed(user.id, 'totp_enabled', call);
    return codes;
  }

  /** Turns TOTP off: needs the password and a current code (or a recovery code). Recovery codes go with it. */
  async disable(userId: string, password: string, code: string, call: CallContext): Promise<void> {
    const user = await this.users.getEntity(userId);
    if (!user.totpSecret) throw conflict('Two-factor authentication is not on');
    if (!(await this.hasher.verify(password, user.passwordHash))) {
      throw new AppError(400, 'invalid_password', 'password: does not match your current password', 'password');
    }
    if (!(await this.verifyCode(user, code))) throw wrongCode();
    await this.clear(user.id);
    await this.changed(user.id, 'totp_disabled', call);
  }

  /** A new set of recovery codes (the old ones stop working); needs a current code. */
  async regenerateRecoveryCodes(userId: string, code: string, call: CallContext): Promise<string[]> {
    const user = await this.users.getEntity(userId);
    if (!user.totpSecret) throw conflict('Turn on two-factor authentication first: recovery codes stand in for its codes');
    if (!(await this.verifyCode(user, code))) throw wrongCode();
    const codes = await this.dataSource.transaction((manager) => this.recovery.replace(manager, user.id));
    await this.changed(user.id, 'recovery_codes_regenerated', call);
    return codes;
  }

  /** An admin removes a user's TOTP and recovery codes (they lost their phone); the user can enrol again. */
  async resetByAdmin(userId: string, call: CallContext): Promise<void> {
    const user = await this.users.getEntity(userId);
    await this.clear(user.id);
    this.challenges.forgetUser(user.id);
    await this.changed(user.id, 'reset_by_admin', call);
  }

  private async clear(userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(UserEntity, { id: userId }, { totpSecret: null, totpPendingSecret: null, totpLastStep: null, totpEnabledAt: null, updatedAt: this.clock.now() });
      await this.recovery.deleteAll(manager, userId);
    });
  }

  /**
   * Checks a second-factor code of a user with TOTP on: a current TOTP code not used before, or an
   * unused recovery code (spent by this check). Which kind it was, or null when it is neither.
   */
  async verifyCode(user: Pick<UserEntity, 'id' | 'totpSecret' | 'totpLastStep'>, code: string): Promise<CodeKind | null> {
    if (!user.totpSecret) return null;
    if (looksLikeRecoveryCode(code)) return (await this.recovery.consume(user.id, code)) ? 'recovery' : null;
    const step = await this.checkTotp(this.vault.openText(user.totpSecret, user.id), code, user.totpLastStep);
    if (step === null) return null;
    // Only one request may move the last step forward: a code replayed in parallel loses here.
    const result = await this.repo
      .createQueryBuilder()
      .update(UserEntity)
      .set({ totpLastStep: step })
      .where('id = :id AND totpSecret IS NOT NULL AND (totpLastStep IS NULL OR totpLastStep < :step)', { id: user.id, step })
      .execute();
    return (result.affected ?? 0) === 1 ? 'totp' : null;
  }

  /** The time step of a valid code later than `afterStep`, or null. */
  private async checkTotp(secret: string, code: string, afterStep: number | null): Promise<number | null> {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const result = await otplib().verify({
      secret,
      token,
      epoch: Math.floor(this.clock.now().getTime() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
      ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}

