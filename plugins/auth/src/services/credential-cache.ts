import type { Principal } from '@tomo/kernel';

interface Entry {
  principal: Principal;
  /** Epoch ms after which the entry must be checked against the database again. */
  until: number;
}

/**
 * Remembers which principal a credential stands for, so an authenticated request costs no
 * database read. Exact within this process: every revocation, disabling, role or password
 * change goes through the auth services, which call `forget*` before answering. A change made
 * by another process (a CLI command on the same database) takes effect within `ttlMs`.
 *
 * A hit is not the end of the checks: the session service still applies its idle timeout to a
 * cached session (see SessionService.authenticate), so a cached entry never outlives idleness.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 15000,
    private readonly maxEntries = 10000,
    /** Epoch ms now: the kernel's Clock in the plugin, so tests can move time. */
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(credential: string): Principal | undefined {
    const entry = this.entries.get(credential);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(credential);
      return undefined;
    }
    return entry.principal;
  }

  /** `expiresAt` (epoch ms) caps the entry at the credential's own expiry. */
  set(credential: string, principal: Principal, expiresAt = Number.POSITIVE_INFINITY): void {
    if (this.entries.size >= this.maxEntries) {
      // Drop the oldest insertion; Maps iterate in insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(credential, { principal, until: Math.min(this.now() + this.ttlMs, expiresAt) });
  }

  /** A session or API token (by its record id) was revoked. */
  forgetRecord(recordId: string): void {
    for (const [key, entry] of this.entries) if (entry.principal.sessionId === recordId) this.entries.delete(key);
  }

  /** Something about the user changed (disabled, role, password, deleted). */
  forgetUser(userId: string): void {
    for (const [key, entry] of this.entries) if (entry.principal.id === userId) this.entries.delete(key);
  }
}
