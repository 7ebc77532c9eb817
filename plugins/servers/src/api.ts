/**
 * The servers plugin's contract: what other plugins may use. Interfaces, the service token, the
 * hooks, the console slot ids and plain data types only: no class, no entity. Work on a server goes through a
 * {@link ServerHandle} (`forCaller` / `forSystem`), which checks access once and decrypts the
 * credentials at most once per operation.
 */
export type { PublicServer, ServerStatus, SystemFacts } from './schemas';
export type { ServerService, ConnectionTestResult } from './contract/server-service';
export type { ServerHandle, ServerActor, ReachabilityOutcome } from './contract/server-handle';
export type { HostKeyTrustedEvent, HostKeyChangedEvent, HostKeyAcceptedEvent, HostKeyRestoredEvent } from './contract/host-key-events';
export type { ExecOptions, ExecResult, StreamDestination, UploadOptions, DownloadOptions, HostKeyInfo, PtySize, ShellChannel } from './contract/ssh-types';
export { isSshError, type SshErrorCode, type SshFailure } from './contract/ssh-failure';
export { ServersTokens } from './tokens';
export { serversHooks } from './hooks';
export { SERVER_DETAIL_TABS_SLOT } from './slots';
