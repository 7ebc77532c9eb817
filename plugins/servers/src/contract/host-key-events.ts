import type { CallContext } from '@tomo/kernel';
import type { PublicServer } from '../schemas';
import type { ServerActor } from './server-handle';
import type { HostKeyInfo } from './ssh-types';

/**
 * What the servers plugin announces about a server's host key (`serversHooks.hostKey*`), for
 * records such as the activity log. `by` is whose connection or decision it was: a user, or Tomo
 * itself (the monitoring poller); `call` is the request it came through, when there was one.
 * `server` is the record after the change. No event carries a credential.
 */
interface HostKeyEventBase {
  server: PublicServer;
  by: ServerActor;
  call?: CallContext;
}

/** First contact: the key the server presented is now the trusted one (trust on first use). */
export interface HostKeyTrustedEvent extends HostKeyEventBase {
  key: HostKeyInfo;
}

/** The server presented a key other than the trusted one (announced once per new key, not per refused connection). */
export interface HostKeyChangedEvent extends HostKeyEventBase {
  trusted: HostKeyInfo;
  presented: HostKeyInfo;
}

/** An admin accepted the changed key: `accepted` replaces `previous`. */
export interface HostKeyAcceptedEvent extends HostKeyEventBase {
  previous: HostKeyInfo | null;
  accepted: HostKeyInfo;
}

/** The server presented its trusted key again: the pending (changed) key was dropped, unaccepted. */
export interface HostKeyRestoredEvent extends HostKeyEventBase {
  trusted: HostKeyInfo;
  dropped: HostKeyInfo;
}
