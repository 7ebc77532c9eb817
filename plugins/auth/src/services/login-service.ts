import { AppError, type CallContext, type HookRegistry, type Principal } from '@tomo/kernel';
import { authHooks } from '../hooks';
import type { PublicUser } from '../schemas';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import type { SessionService } from './session-service';
import { toPublicUser } from './to-public';
import type { UserService } from './user-service';

/** The one answer for every failed login, so it reveals nothing about which part was wrong. */
export function invalidCredentials(): AppError {
  return new AppError(401, 'invalid_credentials', 'Invalid username or password');
}

/** What a successful login returns. */
export interface LoginResult {
  token: string;
  expiresAt: string;
  user: PublicUser;
}

/**
 * The login flow shared by HTTP and MCP: throttle check, constant-work verification (unknown
 * users cost a bcrypt comparison too), a session on success, hooks either way.
 */
export class LoginService {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly hooks: HookRegistry,
  ) {}

  async login(username: string, password: string, call: CallContext): Promise<LoginResult> {
    const hooks = this.hooks.of(authHooks);
    try {
      await this.throttle.check(call.clientIp, username);
    } catch (err) {
      await hooks.loginFailed.promise({ username, reason: 'throttled', call });
      throw err;
    }
    const user = await this.users.findEntityByUsername(username);
    const ok = user ? await this.hasher.verify(password, user.passwordHash) : await this.hasher.verifyAgainstNothing(password);
    if (!user || !ok || user.disabled) {
      await this.throttle.recordFailure(call.clientIp, username);
      await hooks.loginFailed.promise({ username, reason: 'invalid_credentials', call });
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess(username);
    const session = await this.sessions.issue(user, call);
    await this.users.recordLogin(user.id);
    const publicUser = toPublicUser({ ...user, lastLoginAt: new Date() });
    await hooks.loggedIn.promise({ user: publicUser, call });
    return { token: session.token, expiresAt: session.expiresAt, user: publicUser };
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
