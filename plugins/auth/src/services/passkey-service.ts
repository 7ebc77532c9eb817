import { randomUUID } from 'node:crypto';
import type {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { DataSource } from 'typeorm';
import { AppError, badRequest, lazyModule, notFound, type CallContext, type Clock, type HookRegistry, type Principal } from '@tomo/kernel';
import { PasskeyEntity } from '../entities/passkey.entity';
import { SessionEntity } from '../entities/session.entity';
import type { UserEntity } from '../entities/user.entity';
import { authHooks } from '../hooks';
import type { PublicPasskey } from '../passkey-schemas';
import type { LoginThrottle } from './login-throttle';
import type { LoginResult } from './login-service';
import type { Ceremony, PasskeyChallenges } from './passkey-challenges';
import type { SecondFactorChallenges } from './second-factor-challenges';
import type { RelyingParty } from './relying-party';
import type { UserService } from './user-service';

/** @simplewebauthn/server (and its CBOR, ASN.1 and crypto helpers) loads with the first passkey ceremony (issue 19, idle memory). */
const webauthn = lazyModule<typeof import('@simplewebauthn/server')>(require, '@simplewebauthn/server');

/** The browser's own timeout for a passkey prompt; the challenge lives a little longer (PASSKEY_CHALLENGE_TTL_MS). */
const PROMPT_TIMEOUT_MS = 120000;
/** Deleting a passkey takes a sign-in this recent (a session left open on a shared screen is not enough). */
export const FRESH_SIGN_IN_MS = 10 * 60 * 1000;
/** The throttle's username key for answers naming no known passkey (there is no username to count them under). */
const UNKNOWN_PASSKEY = '#passkey';

/** Issues the session of a verified sign-in exactly as a password sign-in does (LoginService.completeLogin). */
export type CompleteLogin = (userId: string, call: CallContext) => Promise<LoginResult>;

/** The one answer for every refused passkey sign-in: it does not say which check failed. */
function notAccepted(): AppError {
  return new AppError(401, 'passkey_not_accepted', 'The passkey was not accepted. Try again, or sign in with your password.');
}

/** The challenge the browser signed, read from its client data; null when that is not readable JSON. */
function challengeOf(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' ? data.challenge : null;
  } catch {
    return null;
  }
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

function toPublicPasskey(p: PasskeyEntity): PublicPasskey {
  return { id: p.id, name: p.name, createdAt: iso(p.createdAt) as string, lastUsedAt: iso(p.lastUsedAt), synced: p.deviceType === 'multiDevice' };
}

/**
 * Passkeys (WebAuthn, verified by @simplewebauthn/server): registering one for the signed-in user,
 * listing, renaming and deleting them, and signing in with one, password-less (a discoverable
 * credential with user verification) or as the second factor after a password. Challenges are
 * single use and short-lived (PasskeyChallenges); the authenticator's signature counter must grow
 * (a cloned authenticator shows up as a counter that does not); refused sign-ins count toward the
 * login throttle.
 */
export class PasskeyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly challenges: PasskeyChallenges,
    private readonly rp: RelyingParty,
    private readonly throttle: LoginThrottle,
    private readonly hooks: HookRegistry,
    private readonly clock: Clock,
    private readonly completeLogin: CompleteLogin,
    private readonly secondFactor: SecondFactorChallenges,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(PasskeyEntity);
  }

  /** How many passkeys each user has (a passkey is a second factor: UserFactors counts with this). */
  async countByUser(userIds: string[]): Promise<Map<string, number>> {
    const rows: Array<{ userId: string; n: number }> = await this.repo
      .createQueryBuilder('p')
      .select('p.userId', 'userId')
      .addSelect('COUNT(*)', 'n')
      .where('p.userId IN (:...userIds)', { userIds })
      .groupBy('p.userId')
      .getRawMany();
    return new Map(rows.map((r) => [r.userId, Number(r.n)]));
  }

  async list(userId: string): Promise<PublicPasskey[]> {
    return (await this.repo.find({ where: { userId }, order: { createdAt: 'ASC' } })).map(toPublicPasskey);
  }

  /** Options for the browser's `navigator.credentials.create()`: a new discoverable passkey for this user. */
  async registrationOptions(principal: Principal): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await this.users.getEntity(principal.id);
    const existing = await this.repo.findBy({ userId: user.id });
    return webauthn().generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userName: user.username,
      userDisplayName: user.username,
      // The user's id as the handle: the authenticator then keeps one passkey per Tomo account.
      userID: new TextEncoder().encode(user.id),
      challenge: bytesOf(this.challenges.issue({ kind: 'register', userId: user.id })),
      timeout: PROMPT_TIMEOUT_MS,
      attestationType: 'none',
      // Discoverable (resident), so it can sign in without a username.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
    });
  }

  /** Verifies the browser's answer to {@link registrationOptions} and stores the passkey. */
  async register(principal: Principal, response: RegistrationResponseJSON, name: string, call: CallContext): Promise<PublicPasskey> {
    const challenge = challengeOf(response.response.clientDataJSON);
    const ceremony = challenge ? this.challenges.take(challenge) : null;
    if (!challenge || ceremony?.kind !== 'register' || ceremony.userId !== principal.id) {
      throw badRequest('response', 'response: answers no registration started by you, or one that expired or was already used; start again', 'invalid_challenge');
    }
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await webauthn().verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        requireUserVerification: false,
      });
    } catch (err) {
      throw badRequest('response', `response: the passkey could not be verified (${(err as Error).message})`, 'passkey_invalid');
    }
    if (!verified.verified) throw badRequest('response', 'response: the passkey could not be verified', 'passkey_invalid');
    const info = verified.registrationInfo;
    if (await this.repo.existsBy({ credentialId: info.credential.id })) {
      throw new AppError(409, 'conflict', 'response: this passkey is already registered', 'response');
    }
    const record: PasskeyEntity = {
      id: randomUUID(),
      userId: principal.id,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: JSON.stringify(response.response.transports ?? []),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name,
      createdAt: this.clock.now(),
      lastUsedAt: null,
    };
    await this.repo.insert(record);
    await this.hooks.of(authHooks).passkeyAdded.promise({ userId: principal.id, passkeyId: record.id, name, call });
    return toPublicPasskey(record);
  }

  async rename(principal: Principal, id: string, name: string): Promise<PublicPasskey> {
    const passkey = await this.own(principal, id);
    await this.repo.update({ id: passkey.id }, { name });
    return toPublicPasskey({ ...passkey, name });
  }

  /**
   * Deletes one of the caller's passkeys. Takes a session signed in within the last
   * {@link FRESH_SIGN_IN_MS} (an API token or an older session is refused with 403
   * `fresh_sign_in_required`): removing a factor is what someone at an unattended screen would do.
   */
  async remove(principal: Principal, id: string, call: CallContext): Promise<void> {
    const passkey = await this.own(principal, id);
    const session = principal.credentialKind === 'session' && principal.sessionId ? await this.dataSource.getRepository(SessionEntity).findOneBy({ id: principal.sessionId }) : null;
    if (!session || this.clock.now().getTime() - new Date(session.createdAt).getTime() > FRESH_SIGN_IN_MS) {
      throw new AppError(403, 'fresh_sign_in_required', 'Deleting a passkey needs a sign-in from the last 10 minutes: sign out, sign in again and retry (an API token cannot delete passkeys)');
    }
    await this.repo.delete({ id: passkey.id });
    await this.hooks.of(authHooks).passkeyDeleted.promise({ userId: principal.id, passkeyId: passkey.id, name: passkey.name, call });
  }

  /** One of the caller's passkeys; another user's is as unknown as none (404). */
  private async own(principal: Principal, id: string): Promise<PasskeyEntity> {
    const passkey = await this.repo.findOneBy({ id, userId: principal.id });
    if (!passkey) throw notFound('Passkey');
    return passkey;
  }

  /**
   * Options for the browser's `navigator.credentials.get()`. Without `secondFactorChallenge`: a
   * password-less sign-in, any discoverable passkey of this site, user verification required
   * (the passkey stands for both factors). With it (from a password sign-in's
   * `second_factor_required` answer): only that user's passkeys, presence is enough.
   */
  async loginOptions(secondFactorChallenge: string | undefined): Promise<PublicKeyCredentialRequestOptionsJSON> {
    if (secondFactorChallenge === undefined) {
      return webauthn().generateAuthenticationOptions({
        rpID: this.rp.id,
        challenge: bytesOf(this.challenges.issue({ kind: 'login', userId: null, secondFactor: null })),
        timeout: PROMPT_TIMEOUT_MS,
        userVerification: 'required',
      });
    }
    const pending = this.secondFactor.peek(secondFactorChallenge);
    const passkeys = pending ? await this.repo.findBy({ userId: pending.userId }) : [];
    if (!pending || passkeys.length === 0) {
      throw badRequest('challenge', 'challenge: is unknown, expired or already used, or its account has no passkey; sign in with your password again', 'invalid_challenge');
    }
    return webauthn().generateAuthenticationOptions({
      rpID: this.rp.id,
      challenge: bytesOf(this.challenges.issue({ kind: 'login', userId: pending.userId, secondFactor: secondFactorChallenge })),
      timeout: PROMPT_TIMEOUT_MS,
      userVerification: 'preferred',
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
    });
  }

  /**
   * Signs in with the browser's answer to {@link loginOptions}: the same result as a password
   * sign-in. Every refusal is the same 401 `passkey_not_accepted` and counts toward the throttle
   * (under the passkey owner's username when the passkey is known).
   */
  async login(response: AuthenticationResponseJSON, call: CallContext): Promise<LoginResult> {
    const passkey = await this.repo.findOne({ where: { credentialId: response.id }, relations: { user: true } });
    const user = passkey?.user ?? null;
    const username = user?.username ?? UNKNOWN_PASSKEY;
    const hooks = this.hooks.of(authHooks);
    try {
      await this.throttle.check(call.clientIp, username);
    } catch (err) {
      await hooks.loginFailed.promise({ username, reason: 'throttled', call });
      throw err;
    }
    // Taken before anything is checked: whatever happens next, this challenge is spent.
    const challenge = challengeOf(response.response.clientDataJSON);
    const ceremony = challenge ? this.challenges.take(challenge) : null;
    const refusal = passkey && user && challenge ? await this.refusal(passkey, user, ceremony, challenge, response) : 'unknown passkey or challenge';
    if (refusal) {
      call.log.info({ reason: refusal }, 'Passkey sign-in refused');
      // A wrong passkey after a password counts against that sign-in's challenge, as a wrong code does.
      if (ceremony?.kind === 'login' && ceremony.secondFactor !== null) this.secondFactor.recordFailure(ceremony.secondFactor);
      await this.throttle.recordFailure(call.clientIp, username);
      await hooks.loginFailed.promise({ username, reason: 'invalid_credentials', call });
      throw notAccepted();
    }
    // Clears the username's failure count, as any complete sign-in does.
    return this.completeLogin((user as UserEntity).id, call);
  }

  /** Why a sign-in answer is refused, or null when it is good (and then the counter is saved). */
  private async refusal(passkey: PasskeyEntity, user: UserEntity, ceremony: Ceremony | null, challenge: string, response: AuthenticationResponseJSON): Promise<string | null> {
    if (ceremony?.kind !== 'login') return 'unknown, expired or used challenge';
    if (user.disabled) return 'user disabled';
    if (ceremony.userId !== null && ceremony.userId !== user.id) return 'a passkey of another user than the password sign-in';
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await webauthn().verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter, transports: transportsOf(passkey) },
        requireUserVerification: ceremony.secondFactor === null,
      });
    } catch (err) {
      return (err as Error).message;
    }
    if (!verified.verified) return 'signature not verified';
    // The password half of a two-step sign-in: its challenge is spent only now, by a good passkey.
    if (ceremony.secondFactor !== null && this.secondFactor.consume(ceremony.secondFactor)?.userId !== user.id) return 'second-factor challenge expired or used';
    await this.repo.update({ id: passkey.id }, { counter: verified.authenticationInfo.newCounter, lastUsedAt: this.clock.now() });
    return null;
  }
}

/** The challenge's bytes: given a string, the library would send its UTF-8 encoding (not what the browser echoes back). */
function bytesOf(challenge: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(challenge, 'base64url'));
}

function transportsOf(p: PasskeyEntity): AuthenticatorTransportFuture[] {
  try {
    return JSON.parse(p.transports) as AuthenticatorTransportFuture[];
  } catch {
    return [];
  }
}
