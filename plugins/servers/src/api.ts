/**
 * What other plugins may use from the servers plugin: its service (by token), its hooks and
 * its types. Preparation, apps and monitoring run commands through `ServerService.exec`.
 */
import { AsyncSeriesHook } from 'tapable';
import { createServiceToken, defineHookSet, type CallContext } from '@tomo/kernel';
import type { PublicServer, ServerStatus } from './schemas';
import type { ServerService } from './services/server-service';

export type { PublicServer, ServerStatus, SystemFacts } from './schemas';
export type { ServerService, ConnectionTestResult } from './services/server-service';
export type { ExecOptions, ExecResult, StreamDestination } from './services/ssh-connection-pool';
export { SshError, type SshErrorCode } from './services/ssh-errors';
export { SERVER_DETAIL_TABS_SLOT } from './slots';

export const ServersTokens = Object.freeze({
  ServerService: createServiceToken<ServerService>('servers.ServerService'),
});

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
