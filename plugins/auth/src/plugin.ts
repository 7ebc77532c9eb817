import path from 'node:path';
import { definePlugin, kernelHooks, KernelTokens } from '@tomo/kernel';
import { AuthTokens } from './tokens';
import { authHooks } from './hooks';
import { adminCli } from './cli/admin-command';
import { authConfigSchema, durationMs, effectiveIdleTimeoutMs } from './config';
import { ApiTokenEntity } from './entities/api-token.entity';
import { PasskeyEntity } from './entities/passkey.entity';
import { SessionEntity } from './entities/session.entity';
import { RecoveryCodeEntity } from './entities/recovery-code.entity';
import { UserEntity } from './entities/user.entity';
import { createUserTool } from './mcp/create-user.tool';
import { getCurrentUserTool } from './mcp/get-current-user.tool';
import { listUsersTool } from './mcp/list-users.tool';
import { loginTool } from './mcp/login.tool';
import { logoutTool } from './mcp/logout.tool';
import { AuthInitial1763900000000 } from './migrations/1763900000000-auth-initial';
import { AuthSessionLastSeen1765000000000 } from './migrations/1765000000000-auth-session-last-seen';
import { AuthTwoFactor1766100000000 } from './migrations/1766100000000-auth-two-factor';
import { AuthPasskeys1766200000000 } from './migrations/1766200000000-auth-passkeys';
import { AuthOidcIdentities1766300000000 } from './migrations/1766300000000-auth-oidc-identities';
import { AuthLoginThrottle1766400000000 } from './migrations/1766400000000-auth-login-throttle';
import { OidcIdentityEntity } from './oidc/oidc-identity.entity';
import { registerOidcRoutes } from './oidc/oidc.routes';
import { OidcService } from './oidc/oidc-service';
import { registerPasskeyRoutes } from './routes/passkeys.routes';
import { registerSessionRoutes } from './routes/session.routes';
import { registerTokenRoutes } from './routes/tokens.routes';
import { registerTwoFactorRoutes } from './routes/two-factor.routes';
import { registerUserRoutes } from './routes/users.routes';
import { API_TOKEN_PREFIX, ApiTokenService } from './services/api-token-service';
import { CredentialCache } from './services/credential-cache';
import { shareCredentialChanges } from './services/credential-changes';
import type { AuthServices } from './services/auth-services';
import { loadOrCreateJwtSecret } from './services/jwt-keys';
import { LoginService } from './services/login-service';
import { LoginThrottle } from './services/login-throttle';
import { PasskeyChallenges } from './services/passkey-challenges';
import { PasskeyService } from './services/passkey-service';
import { PasswordHasher } from './services/password-hasher';
import { RecoveryCodes } from './services/recovery-codes';
import { SecondFactorChallenges } from './services/second-factor-challenges';
import { relyingPartyOf } from './services/relying-party';
import { SessionService } from './services/session-service';
import { SetupService } from './services/setup-service';
import { TotpService } from './services/totp-service';
import { UserFactors } from './services/user-factors';
import { UserService } from './services/user-service';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** Users, roles, sessions, API tokens, login throttling and first-run setup. */
export const authPlugin = definePlugin({
  id: 'auth',
  version,
  description: 'Users, roles, sessions, API tokens and the login flow',
  config: authConfigSchema,
  deps: { clock: KernelTokens.Clock, vault: KernelTokens.Vault, cluster: KernelTokens.Cluster },
  entities: [UserEntity, SessionEntity, ApiTokenEntity, RecoveryCodeEntity, PasskeyEntity, OidcIdentityEntity],
  migrations: [AuthInitial1763900000000, AuthSessionLastSeen1765000000000, AuthTwoFactor1766100000000, AuthPasskeys1766200000000, AuthOidcIdentities1766300000000, AuthLoginThrottle1766400000000],
  cli: adminCli,
  ui: {
    bundleDir: path.join(__dirname, '..', 'dist', 'ui'),
    entry: 'index.js',
    routes: [
      { path: '/users', component: 'UsersPage', title: 'Users', access: 'admin' },
      { path: '/tokens', component: 'ApiTokensPage', title: 'API tokens' },
      { path: '/account', component: 'AccountPage', title: 'Account' },
    ],
    nav: [
      { label: 'Users', path: '/users', icon: 'users', order: 90, access: 'admin' },
      { label: 'API tokens', path: '/tokens', icon: 'key', order: 91 },
    ],
  },

  init(ctx, { clock, vault, cluster }) {
    const hasher = new PasswordHasher(ctx.config.bcryptCost);
    const sessionTtlMs = durationMs(ctx.config.sessionTtl);
    const idle = effectiveIdleTimeoutMs(ctx.config);
    if (idle.capped) {
      ctx.logger.info(`auth.sessionIdleTimeout (${ctx.config.sessionIdleTimeout}) is longer than auth.sessionTtl (${ctx.config.sessionTtl}): sessions end at ${ctx.config.sessionTtl} whether used or not`);
    }
    const cache = new CredentialCache(undefined, undefined, () => clock.now().getTime());
    // Several instances: a revocation through one leaves every instance's cache at once.
    if (cluster.shared) ctx.onShutdown(shareCredentialChanges(cache, cluster, ctx.logger));
    const sessions = new SessionService(ctx.dataSource, loadOrCreateJwtSecret(ctx.kernelConfig.dataDir), { ttlMs: sessionTtlMs, idleMs: idle.ms }, cache, clock);
    const users = new UserService(ctx.dataSource, hasher, ctx.hooks, cache);
    const tokens = new ApiTokenService(ctx.dataSource, cache);
    const throttle = new LoginThrottle(ctx.config.throttle, ctx.dataSource);
    const recoveryCodes = new RecoveryCodes(ctx.dataSource);
    const challenges = new SecondFactorChallenges(clock);
    const factors = new UserFactors(ctx.dataSource, recoveryCodes);
    const totp = new TotpService(ctx.dataSource, vault, users, recoveryCodes, hasher, challenges, ctx.hooks, clock);
    const twoFactorPolicy = ctx.config.twoFactorRequired;
    const s: AuthServices = {
      users,
      sessions,
      tokens,
      throttle,
      sessionTtlMs,
      login: new LoginService(users, sessions, hasher, throttle, ctx.hooks, factors, totp, challenges, twoFactorPolicy, ctx.config.localLogin),
      setup: new SetupService(users),
      totp,
      recoveryCodes,
      challenges,
      factors,
      twoFactorPolicy,
    };
    ctx.expose(AuthTokens.UserService, { useValue: users });
    ctx.expose(AuthTokens.ApiTokenService, { useValue: tokens });

    // What `/me` remembers of a user's second factors is dropped by each event that changes them.
    const auth = ctx.hooks.of(authHooks);
    auth.twoFactorChanged.tap('auth:factors', ({ user }) => factors.forget(user.id));
    auth.passkeyAdded.tap('auth:factors', ({ userId }) => factors.forget(userId));
    auth.passkeyDeleted.tap('auth:factors', ({ userId }) => factors.forget(userId));
    auth.loggedIn.tap('auth:factors', ({ user }) => factors.forget(user.id));
    auth.userDeleted.tap('auth:factors', ({ user }) => factors.forget(user.id));

    // The kernel knows no users: this tap is how a credential becomes a Principal.
    // Only a credential with the API token prefix can be a token: a session's JWT goes straight to
    // the session service (one async call fewer on every console request, issue 19).
    // A credential seen moments ago is answered from memory, with the same checks, and no promise.
    ctx.hooks.of(kernelHooks).authenticateKnown.tap('auth', ({ credential }) =>
      credential.startsWith(API_TOKEN_PREFIX) ? (tokens.known(credential) ?? sessions.known(credential)) : sessions.known(credential),
    );
    ctx.hooks.of(kernelHooks).authenticate.tapPromise('auth', ({ credential }) =>
      credential.startsWith(API_TOKEN_PREFIX)
        ? tokens.authenticate(credential).then((p) => p ?? sessions.authenticate(credential))
        : sessions.authenticate(credential),
    );

    registerSessionRoutes(ctx, s);
    registerUserRoutes(ctx, s);
    registerTokenRoutes(ctx, s);
    registerTwoFactorRoutes(ctx, s);
    const passkeys = new PasskeyService(
      ctx.dataSource,
      users,
      new PasskeyChallenges(clock),
      relyingPartyOf(ctx.kernelConfig.server),
      throttle,
      ctx.hooks,
      clock,
      (userId, call) => s.login.completeLogin(userId, call, 'passkey'),
      challenges,
    );
    factors.setPasskeyCounter((userIds) => passkeys.countByUser(userIds));
    registerPasskeyRoutes(ctx, s, passkeys);
    const oidc = new OidcService(ctx.config.oidc, ctx.dataSource, vault, users, s.login, ctx.hooks, clock);
    registerOidcRoutes(ctx, s, oidc, ctx.config.localLogin.enabled);
    ctx.mcp.tool(loginTool(s));
    ctx.mcp.tool(logoutTool(s));
    ctx.mcp.tool(getCurrentUserTool(s));
    ctx.mcp.tool(createUserTool(s));
    ctx.mcp.tool(listUsersTool(s));

    ctx.onReady(async () => {
      await sessions.pruneExpired();
      const code = await s.setup.prepareCode();
      if (code) {
        // Deliberately in the message: the setup code is meant to be read from this log by the machine's admin.
        ctx.logger.warn(`No admin account yet. Create one with \`tomo admin create\`, or open the console's /setup page and enter the setup code ${code}`);
      }
    });
    // Last uses not yet on disk (written about once a minute), so the idle clock survives the restart exactly.
    ctx.onShutdown(() => sessions.flushLastSeen());
  },
});

export { authBackupTablesModule } from './backup-tables';

export default authPlugin;
