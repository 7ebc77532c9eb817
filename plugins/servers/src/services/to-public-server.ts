import type { ServerEntity } from '../entities/server.entity';
import type { PublicServer, SystemFacts } from '../schemas';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** The only shape a server leaves the plugin in: `hasCredentials`, never the credentials. */
export function toPublicServer(s: ServerEntity): PublicServer {
  return {
    id: s.id,
    name: s.name,
    host: s.host,
    port: s.port,
    username: s.username,
    authType: s.authType,
    hasCredentials: Boolean(s.credentialsSealed),
    hostKey: s.hostKeyFingerprint ? { fingerprint: s.hostKeyFingerprint, algorithm: s.hostKeyAlgorithm ?? 'unknown', firstSeenAt: iso(s.hostKeyFirstSeenAt) ?? '' } : null,
    pendingHostKey: s.pendingHostKeyFingerprint
      ? { fingerprint: s.pendingHostKeyFingerprint, algorithm: s.pendingHostKeyAlgorithm ?? 'unknown', seenAt: iso(s.pendingHostKeySeenAt) ?? '' }
      : null,
    status: s.status,
    lastError: s.lastError,
    lastCheckedAt: iso(s.lastCheckedAt),
    facts: s.factsJson ? (JSON.parse(s.factsJson) as SystemFacts) : null,
    ownerId: s.ownerId,
    createdAt: iso(s.createdAt) as string,
    updatedAt: iso(s.updatedAt) as string,
  };
}
