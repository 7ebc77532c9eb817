import { AsyncSeriesHook } from 'tapable';
import { defineHookSet, type CallContext } from '@tomo/kernel';
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
}));
