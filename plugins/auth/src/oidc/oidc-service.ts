import { randomBytes, randomUUID } from 'node:crypto';
import type * as client from 'openid-client';
import type { DataSource, Repository } from 'typeorm';
import { AppError, lazyModule, type CallContext, type Clock, type HookRegistry, type SecretVault } from '@tomo/kernel';
import { authHooks } from '../hooks';
import type { LoginResult, LoginService } from '../services/login-service';
import type { UserService } from '../services/user-service';
import { resolveClientSecret } from './client-secret';
import type { OidcProviderConfig } from './oidc-config';
import { OidcIdentityEntity } from './oidc-identity.entity';
import { PendingLogins } from './pending-logins';

/** openid-client loads with the first single sign-on, not at start-up (issue 19, idle memory). */
const openIdClient = lazyModule<typeof import('openid-client')>(require, 'openid-client');

/** Why a single sign-on was refused: the code goes to the login page (`?oidcError=`), the message to the log. */
export class OidcRefusal extends Error {
  constructor(
    readonly code: 'unknown_provider' | 'invalid_state' | 'provider_error' | 'invalid_response' | 'email_not_verified' | 'signup_not_allowed' | 'user_disabled',
    message: string,
  ) {
    super(message);
  }
}

/** A linked identity as its owner sees it. */
export interface LinkedIdentity {
  id: string;
  provider: string;
  issuer: string;
  email: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

/** The claim openid-client found wrong (nonce, iss, aud…): it names it somewhere down the error's causes. */
function mismatchedClaim(err: unknown): string | undefined {
  for (let e = err as { cause?: unknown; claim?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.claim === 'string') return e.claim;
  }
  return undefined;
}

/** The loopback addresses a test or a local provider may use over plain HTTP. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * OpenID Connect login with openid-client: authorization code with PKCE, state and nonce kept
 * server-side and checked; the identity (issuer + subject) is looked up, or linked to the user
 * with the same verified email, or made a new `user` when signup is allowed; the role follows the
 * configured claim; then the session is issued by the same `completeLogin` a password login uses.
 */
export class OidcService {
  private readonly configurations = new Map<string, Promise<client.Configuration>>();
  private readonly pending: PendingLogins;
  private readonly identities: Repository<OidcIdentityEntity>;
  private readonly providers: Map<string, OidcProviderConfig>;

  constructor(
    providers: OidcProviderConfig[],
    dataSource: DataSource,
    private readonly vault: Pick<SecretVault, 'openText'>,
    private readonly users: UserService,
    private readonly login: Pick<LoginService, 'completeLogin'>,
    private readonly hooks: HookRegistry,
    clock: Clock,
  ) {
    this.providers = new Map(providers.map((p) => [p.id, p]));
    this.pending = new PendingLogins(clock);
    this.identities = dataSource.getRepository(OidcIdentityEntity);
  }

  /** The configured providers, for the login page's buttons (ids and names only). */
  list(): { id: string; displayName: string }[] {
    return [...this.providers.values()].map((p) => ({ id: p.id, displayName: p.displayName }));
  }

  private provider(id: string): OidcProviderConfig {
    const provider = this.providers.get(id);
    if (!provider) throw new OidcRefusal('unknown_provider', `No OpenID provider "${id}" is configured`);
    return provider;
  }

  /** Discovery, once per provider (retried after a failure). */
  private configuration(id: string): Promise<client.Configuration> {
    let config = this.configurations.get(id);
    if (!config) {
      const p = this.provider(id);
      const issuer = new URL(p.issuer);
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      config = openIdClient().discovery(issuer, p.clientId, resolveClientSecret(id, p, this.vault), undefined, insecure ? { execute: [openIdClient().allowInsecureRequests] } : undefined);
      config.catch(() => this.configurations.delete(id));
      this.configurations.set(id, config);
    }
    return config;
  }

  /** Starts a login: the provider's authorization URL and the state the browser is bound to. */
  async start(id: string, redirectUri: string): Promise<{ url: string; state: string }> {
    this.provider(id);
    let config: client.Configuration;
    try {
      config = await this.configuration(id);
    } catch (err) {
      throw new OidcRefusal('provider_error', `Discovery of OpenID provider "${id}" failed: ${(err as Error).message}`);
    }
    const codeVerifier = openIdClient().randomPKCECodeVerifier();
    const state = openIdClient().randomState();
    const nonce = openIdClient().randomNonce();
    this.pending.add(state, { provider: id, nonce, codeVerifier, redirectUri });
    const url = openIdClient().buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.provider(id).scopes.join(' '),
      code_challenge: await openIdClient().calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * Finishes a login at the callback: `boundState` is the state the browser carried in its cookie,
   * `callbackUrl` the full URL the provider redirected to. Refusals issue nothing.
   */
  async callback(id: string, callbackUrl: URL, boundState: string | undefined, call: CallContext): Promise<LoginResult> {
    const p = this.provider(id);
    const state = callbackUrl.searchParams.get('state');
    if (!state || !boundState || state !== boundState) throw new OidcRefusal('invalid_state', 'The state does not match the login this browser started');
    const pending = this.pending.take(state);
    if (!pending || pending.provider !== id) throw new OidcRefusal('invalid_state', 'The state is unknown, expired or already used');
    const config = await this.configuration(id);
    // The redirect URI sent to the token endpoint must be the one the login started with.
    const currentUrl = new URL(pending.redirectUri);
    currentUrl.search = callbackUrl.search;
    let claims: Record<string, unknown>;
    try {
      const tokens = await openIdClient().authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims()!;
      // Many providers (Authelia, Authentik by default) put email and groups only in userinfo.
      const userinfo = await openIdClient().fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...userinfo, ...idClaims };
    } catch (err) {
      const code = err instanceof openIdClient().AuthorizationResponseError ? 'provider_error' : 'invalid_response';
      const claim = mismatchedClaim(err);
      throw new OidcRefusal(code, `OpenID provider "${id}" answer refused: ${(err as Error).message}${claim ? ` (claim ${claim})` : ''}`);
    }
    const userId = await this.userFor(id, p, config.serverMetadata().issuer, claims, call);
    return this.login.completeLogin(userId, call, 'oidc');
  }

  /** The linked user, linking or creating one as the config allows; the role follows the claim. */
  private async userFor(id: string, p: OidcProviderConfig, issuer: string, claims: Record<string, unknown>, call: CallContext): Promise<string> {
    const subject = String(claims.sub);
    const email = typeof claims.email === 'string' ? claims.email : null;
    const verified = claims.email_verified === true && email !== null;
    const role = this.roleOf(p, claims);
    const known = await this.identities.findOneBy({ issuer, subject });
    if (known) {
      await this.identities.update({ id: known.id }, { lastLoginAt: new Date() });
      await this.applyRole(known.userId, role, call);
      return known.userId;
    }
    if (!verified) throw new OidcRefusal('email_not_verified', `OpenID provider "${id}" did not say the email of ${subject} is verified`);
    const existing = p.linkByVerifiedEmail ? (await this.users.list()).find((u) => u.email.toLowerCase() === email.toLowerCase()) : undefined;
    let userId: string;
    if (existing) {
      userId = existing.id;
      await this.applyRole(userId, role, call);
    } else {
      if (!p.allowSignup) throw new OidcRefusal('signup_not_allowed', `No Tomo user for ${email}, and auth.oidc.${id}.allowSignup is off`);
      userId = (await this.createUser(claims, email, role ?? 'user', call)).id;
    }
    const identity = this.identities.create({ id: randomUUID(), userId, provider: id, issuer, subject, email, createdAt: new Date(), lastLoginAt: new Date() });
    await this.identities.insert(identity);
    const user = await this.users.get(userId);
    await this.hooks.of(authHooks).oidcLinked.promise({ user, provider: id, created: !existing, call });
    return userId;
  }

  /** `admin` when the role claim holds one of `adminValues`, `user` when it does not; undefined without a `roleClaim`. */
  private roleOf(p: OidcProviderConfig, claims: Record<string, unknown>): 'admin' | 'user' | undefined {
    if (!p.roleClaim) return undefined;
    const value = claims[p.roleClaim];
    const values = Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
    return values.some((v) => p.adminValues.includes(v)) ? 'admin' : 'user';
  }

  private async applyRole(userId: string, role: 'admin' | 'user' | undefined, call: CallContext): Promise<void> {
    if (!role) return;
    const user = await this.users.get(userId);
    if (user.disabled) throw new OidcRefusal('user_disabled', `User ${user.username} is disabled`);
    if (user.role === role) return;
    try {
      await this.users.update(userId, { role }, call);
    } catch (err) {
      // The last admin keeps the role (the kernel's rule); the login still goes on.
      call.log.warn({ userId, err: (err as Error).message }, 'OpenID role mapping not applied');
    }
  }

  /** A new `user` named after preferred_username (or the email's local part), made unique. */
  private async createUser(claims: Record<string, unknown>, email: string, role: 'admin' | 'user', call: CallContext): Promise<{ id: string }> {
    const wanted = typeof claims.preferred_username === 'string' ? claims.preferred_username : email.split('@')[0];
    let base = wanted.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 28);
    if (base.length < 3) base = `user-${base}`.slice(0, 28);
    for (let n = 0; n < 100; n++) {
      const username = n === 0 ? base : `${base}-${n}`;
      if (await this.users.findByUsername(username)) continue;
      // A password nobody knows: this user logs in through the provider (an admin can set one).
      return this.users.create({ username, email, role, password: randomBytes(32).toString('base64url') }, call);
    }
    throw new AppError(409, 'conflict', `No free username near "${base}"`, 'username');
  }

  /** The caller's linked identities. */
  async listFor(userId: string): Promise<LinkedIdentity[]> {
    const rows = await this.identities.find({ where: { userId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => ({ id: r.id, provider: r.provider, issuer: r.issuer, email: r.email, createdAt: r.createdAt.toISOString(), lastLoginAt: r.lastLoginAt?.toISOString() ?? null }));
  }

  /** Unlinks one of the caller's identities; 404 when it is not theirs. */
  async unlink(userId: string, identityId: string, call: CallContext): Promise<void> {
    const row = await this.identities.findOneBy({ id: identityId, userId });
    if (!row) throw new AppError(404, 'not_found', 'id: no linked sign-in with this id', 'id');
    await this.identities.delete({ id: row.id });
    await this.hooks.of(authHooks).oidcUnlinked.promise({ user: await this.users.get(userId), provider: row.provider, call });
  }
}
