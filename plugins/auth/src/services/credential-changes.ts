import type { Cluster } from '@tomo/kernel';
import type { Logger } from 'pino';
import type { CredentialCache } from './credential-cache';

/** The channel credential changes travel on between instances. */
export const CREDENTIALS_CHANNEL = 'auth.credentials';

interface CredentialChange {
  from: string;
  /** `record`: a session or API token (its record id) was revoked; `user`: something about the user changed. */
  kind: 'record' | 'user';
  id: string;
}

/**
 * Several instances on one PostgreSQL database: each keeps its own credential cache (15 s), so a
 * session revoked or a user disabled through one instance must leave every other's cache at once,
 * not when the entry ages out. Every local forget is published; every other instance's is
 * applied. A message lost while an instance reconnects leaves the cache's 15 s as the bound.
 * Only ids travel: never a credential.
 */
export function shareCredentialChanges(cache: CredentialCache, cluster: Cluster, logger: Logger): () => void {
  const forgetRecord = cache.forgetRecord.bind(cache);
  const forgetUser = cache.forgetUser.bind(cache);
  const publish = (kind: CredentialChange['kind'], id: string) =>
    void cluster.publish(CREDENTIALS_CHANNEL, { from: cluster.instance, kind, id } satisfies CredentialChange).catch((err: Error) => logger.warn({ err: err.message }, 'Telling the other instances of a credential change failed'));
  cache.forgetRecord = (recordId) => {
    forgetRecord(recordId);
    publish('record', recordId);
  };
  cache.forgetUser = (userId) => {
    forgetUser(userId);
    publish('user', userId);
  };
  return cluster.subscribe(CREDENTIALS_CHANNEL, (raw) => {
    const change = raw as CredentialChange;
    if (change.from === cluster.instance) return;
    if (change.kind === 'record') forgetRecord(change.id);
    else forgetUser(change.id);
  });
}
