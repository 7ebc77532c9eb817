import { AsyncSeriesHook } from 'tapable';
import { defineHookSet, type CallContext } from '@tomo/kernel';
import type { HostKeyAcceptedEvent, HostKeyChangedEvent, HostKeyRestoredEvent, HostKeyTrustedEvent } from './contract/host-key-events';
import type { PublicServer, ServerStatus } from './schemas';

/** Events of the servers plugin. None carries credentials. */
export const serversHooks = defineHookSet('servers', () => ({
  serverAdded: new AsyncSeriesHook<[{ server: PublicServer; call: CallContext }]>(['event']),
  /** `changes` names the fields that changed (`credentials` without their values). */
  serverUpdated: new AsyncSeriesHook<[{ server: PublicServer; changes: string[]; call: CallContext }]>(['event']),
  /** Before the record goes: plugins remove what hangs off the server (installations, metrics). */
  serverDeleting: new AsyncSeriesHook<[{ server: PublicServer; call: CallContext }]>(['event']),
  serverDeleted: new AsyncSeriesHook<[{ server: PublicServer; call: CallContext }]>(['event']),
  /** A connection test or poll changed the status (online, offline, error). */
  serverStatusChanged: new AsyncSeriesHook<[{ serverId: string; from: ServerStatus; to: ServerStatus; error: string | null }]>(['event']),
  /** First contact: the presented host key is trusted from now on. */
  hostKeyTrusted: new AsyncSeriesHook<[HostKeyTrustedEvent]>(['event']),
  /** The server presented another host key than the trusted one; Tomo refuses to connect until it is accepted. */
  hostKeyChanged: new AsyncSeriesHook<[HostKeyChangedEvent]>(['event']),
  /** An admin accepted the changed host key. */
  hostKeyAccepted: new AsyncSeriesHook<[HostKeyAcceptedEvent]>(['event']),
  /** The server presented its trusted key again: the changed key waiting for acceptance was dropped. */
  hostKeyRestored: new AsyncSeriesHook<[HostKeyRestoredEvent]>(['event']),
}));
