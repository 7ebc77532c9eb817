import { AppError, type CallContext, type HookRegistry, type Principal } from '@tomo/kernel';
import type { AuthConfig } from '../config';
import type { UserEntity } from '../entities/user.entity';
import { authHooks } from '../hooks';
import type { PublicUser } from '../schemas';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import type { SecondFactorChallenges } from './second-factor-challenges';
import type { SessionService } from './session-service';
import { toPublicUser } from './to-public';
import type { TotpService } from './totp-service';
import { UserFactors, type FactorsSummary, type SecondFactorMethod } from './user-factors';
import type { UserService } from './user-service';

/** The one answer for every failed login, so it reveals nothing about which part was wrong. */
export function invalidCredentials(): AppError {
  return new AppError(401, 'invalid_credentials', 'Invalid username or password');
}

/** A wrong, reused or spent second-factor code. */
export function invalidSecondFactor(): AppError {
  return new AppError(401, 'invalid_second_factor', 'code: is not a current authenticator code or an unused recovery code', 'code');
}

/** A challenge that is unknown, expired (5 minutes), spent, or dropped after too many wrong codes. */
export function invalidChallenge(): AppError {
  return new AppError(401, 'invalid_challenge', 'challenge: has expired or was already used; log in with your password again', 'challenge');
}

/**
 * The password was right and the account has a second factor: 401 with the kernel's error body
 * plus `challenge` (send it back with the code to `POST /api/auth/login/second-factor`) and the
 * `methods` that can finish the login. Nothing is issued.
 */
export class SecondFactorRequiredError extends AppError {
  constructor(
    readonly challenge: string,
    readonly methods: SecondFactorMethod[],
  ) {
    super(401, 'second_factor_required', 'This account has two-factor authentication on: send a code from the authenticator app (or a recovery code) to finish logging in');
  }

  override toJSON(): ReturnType<AppError['toJSON']> & { challenge: string; methods: SecondFactorMethod[] } {
    return { ...super.toJSON(), challenge: this.challenge, methods: this.methods };
  }
}

/** What a successful login returns. */
export interface LoginResult {
  token: string;
  expiresAt: string;
  user: PublicUser;
  /** The two-factor policy covers this user and they have no second factor yet: they should enrol now. */
  twoFactorEnrolmentRequired: boolean;
}

/**
 * The login flow shared by HTTP and MCP: throttle check, constant-work verification (unknown
 * users cost a bcrypt comparison too), the second factor when the account has one, a session on
 * success, hooks either way.
 */
export class LoginService {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly hooks: HookRegistry,
    private readonly factors: UserFactors,
    private readonly totp: TotpService,
    private readonly challenges: SecondFactorChallenges,
    private readonly policy: AuthConfig['twoFactorRequired'],
    private readonly localLogin: AuthConfig['localLogin'] = { enabled: true, breakGlassUsers: [] },
  ) {}

  /** `auth.localLogin.enabled: false`: passwords are refused except for the named break-glass accounts. */
  private passwordAllowedFor(username: string): boolean {
    return this.localLogin.enabled || this.localLogin.breakGlassUsers.some((u) => u.toLowerCase() === username.toLowerCase());
  }

  /**
   * Checks the password. Without a second factor on the account, logs in. With one: when
   * `secondFactorCode` is given (the MCP `login` tool's `totp`), checks it and logs in; otherwise
   * answers {@link SecondFactorRequiredError} with a fresh challenge and issues nothing.
   */
  async login(username: string, password: string, call: CallContext, secondFactorCode?: string): Promise<LoginResult> {
    const hooks = this.hooks.of(authHooks);
    try {
      await this.throttle.check(call.clientIp, username);
    } catch (err) {
      await hooks.loginFailed.promise({ username, reason: 'throttled', call });
      throw err;
    }
    if (!this.passwordAllowedFor(username)) {
      throw new AppError(403, 'local_login_disabled', 'Password login is turned off (auth.localLogin): log in with single sign-on');
    }
    const user = await this.users.findEntityByUsername(username);
    const ok = user ? await this.hasher.verify(password, user.passwordHash) : await this.hasher.verifyAgainstNothing(password);
    if (!user || !ok || user.disabled) {
      await this.throttle.recordFailure(call.clientIp, username);
      await hooks.loginFailed.promise({ username, reason: 'invalid_credentials', call });
      throw invalidCredentials();
    }
    const summary = await this.factors.summary(user.id);
    if (UserFactors.hasSecondFactor(summary)) {
      // The username's failure count is NOT cleared here: a known password must not reset the
      // budget for guessing codes.
      if (secondFactorCode === undefined) throw new SecondFactorRequiredError(this.challenges.issue(user.id), UserFactors.methodsOf(summary));
      if (!(await this.totp.verifyCode(user, secondFactorCode))) await this.secondFactorFailed(user, call);
    }
    return this.completeLogin(user.id, call);
  }

  /**
   * Finishes a login that answered `second_factor_required`: the challenge must be live and the
   * code a current TOTP code (not used before) or an unused recovery code. Wrong codes count
   * toward the login throttle (per client and per username) and against the challenge.
   */
  async loginWithSecondFactor(challenge: string, code: string, call: CallContext): Promise<LoginResult> {
    const owner = this.challenges.peek(challenge);
    if (!owner) {
      await this.throttle.recordFailure(call.clientIp, '#second-factor');
      throw invalidChallenge();
    }
    const user = await this.users.getEntity(owner.userId);
    try {
      await this.throttle.check(call.clientIp, user.username);
    } catch (err) {
      await this.hooks.of(authHooks).loginFailed.promise({ username: user.username, reason: 'throttled', call });
      throw err;
    }
    if (!(await this.totp.verifyCode(user, code))) {
      this.challenges.recordFailure(challenge);
      await this.secondFactorFailed(user, call);
    }
    if (!this.challenges.consume(challenge)) throw invalidChallenge();
    return this.completeLogin(user.id, call);
  }

  private async secondFactorFailed(user: UserEntity, call: CallContext): Promise<never> {
    await this.throttle.recordFailure(call.clientIp, user.username);
    await this.hooks.of(authHooks).loginFailed.promise({ username: user.username, reason: 'invalid_second_factor', call });
    throw invalidSecondFactor();
  }

  /**
   * Issues the session for a user whose every factor was checked (password and code, or a passkey
   * assertion against a consumed challenge): exactly what a password login answers. Refuses a
   * user disabled meanwhile. `method`: what proved it when not a password (for the activity log).
   */
  async completeLogin(userId: string, call: CallContext, method?: 'passkey' | 'oidc'): Promise<LoginResult> {
    const user = await this.users.getEntity(userId);
    if (user.disabled) throw invalidCredentials();
    await this.throttle.recordSuccess(user.username);
    const session = await this.sessions.issue(user, call);
    await this.users.recordLogin(user.id);
    const publicUser = toPublicUser({ ...user, lastLoginAt: new Date() });
    await this.hooks.of(authHooks).loggedIn.promise({ user: publicUser, call, ...(method ? { method } : {}) });
    const twoFactorEnrolmentRequired = this.enrolmentRequired(user, await this.factors.summary(user.id));
    return { token: session.token, expiresAt: session.expiresAt, user: publicUser, twoFactorEnrolmentRequired };
  }

  /** The two-factor policy (`auth.twoFactorRequired`) covers this user and they have no second factor. */
  enrolmentRequired(user: Pick<UserEntity, 'role'>, summary: FactorsSummary): boolean {
    const covered = this.policy === 'everyone' || (this.policy === 'admins' && user.role === 'admin');
    return covered && !UserFactors.hasSecondFactor(summary);
  }

  /**
   * An admin signs a user out everywhere: every login session of theirs ends at once (console,
   * API, MCP). Their API tokens are kept: to cut those too, disable the user or set a new password.
   * Unknown user: 404, nothing changed.
   */
  async signOutEverywhere(userId: string, call: CallContext): Promise<number> {
    const user = await this.users.get(userId);
    const sessions = await this.sessions.revokeAllForUser(user.id);
    await this.hooks.of(authHooks).sessionsRevoked.promise({ user, sessions, call });
    return sessions;
  }

  /** Ends the caller's session (an API token is not revoked by logout; revoke it explicitly). */
  async logout(principal: Principal, call: CallContext): Promise<void> {
    if (principal.credentialKind === 'session' && principal.sessionId) await this.sessions.revoke(principal.sessionId);
    await this.hooks.of(authHooks).loggedOut.promise({ userId: principal.id, call });
  }
}
