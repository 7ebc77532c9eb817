import type { Duplex } from 'node:stream';
import type { ReachabilityOutcome, ServerActor, ServerHandle } from '../contract/server-handle';
import type { DownloadOptions, ExecOptions, ExecResult, PtySize, ShellChannel, StreamDestination, UploadOptions } from '../contract/ssh-types';
import type { ServerEntity } from '../entities/server.entity';
import type { PublicServer } from '../schemas';
import { DEFAULT_MAX_DOWNLOAD_BYTES, downloadFile, uploadFile } from './sftp-files';
import type { StoredCredentials } from './ssh-credentials';
import type { HostKeyEvents, SshConnectionPool, SshTarget } from './ssh-connection-pool';
import { toPublicServer } from './to-public-server';

/** What a handle needs from the service that made it (the vault, the record's host-key writes, status writes). */
export interface HandleServices {
  pool: SshConnectionPool;
  /** Opens the record's sealed credentials (the vault); called at most once per handle. */
  openCredentials(entity: ServerEntity): StoredCredentials;
  /** What the handle's connections report about host keys, announced as the handle's actor's. */
  hostKeyEvents(entity: ServerEntity, actor: ServerActor): HostKeyEvents;
  recordReachability(serverId: string, outcome: ReachabilityOutcome): Promise<void>;
}

/**
 * A {@link ServerHandle} over one read of the server's record. The credentials are opened on
 * the first SSH call and kept for the handle's life (one decrypt per operation, however many
 * commands and streams it makes); the record's trusted host key follows the first connection.
 */
export class SshServerHandle implements ServerHandle {
  readonly info: PublicServer;
  private credentials: StoredCredentials | undefined;
  private events: HostKeyEvents | undefined;

  constructor(
    private readonly entity: ServerEntity,
    readonly actor: ServerActor,
    private readonly services: HandleServices,
  ) {
    this.info = toPublicServer(entity);
  }

  /** Where to connect: read at each call, since the first connection may have trusted a host key. */
  private target(): SshTarget {
    this.credentials ??= this.services.openCredentials(this.entity);
    const { id, host, port, username, hostKeyFingerprint } = this.entity;
    return { id, host, port, username, credentials: this.credentials, trustedFingerprint: hostKeyFingerprint };
  }

  private hostKeyEvents(): HostKeyEvents {
    this.events ??= this.services.hostKeyEvents(this.entity, this.actor);
    return this.events;
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.services.pool.exec(this.target(), argv, options, this.hostKeyEvents());
  }

  async openStream(destination: StreamDestination): Promise<Duplex> {
    return this.services.pool.openStream(this.target(), destination, this.hostKeyEvents());
  }

  async openShell(size: PtySize): Promise<ShellChannel> {
    return this.services.pool.openShell(this.target(), size, this.hostKeyEvents());
  }

  async upload(remotePath: string, data: string | Buffer, options: UploadOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.services.pool.withSftp(this.target(), this.hostKeyEvents(), (sftp) => uploadFile(sftp, remotePath, bytes, options.mode ?? 0o644));
  }

  async download(remotePath: string, options: DownloadOptions = {}): Promise<Buffer> {
    return this.services.pool.withSftp(this.target(), this.hostKeyEvents(), (sftp) => downloadFile(sftp, remotePath, options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES));
  }

  async loginPassword(): Promise<string | null> {
    const { credentials } = this.target();
    return credentials.type === 'password' ? credentials.password : null;
  }

  reconnect(): void {
    this.services.pool.drop(this.entity.id);
  }

  reportReachability(outcome: ReachabilityOutcome): Promise<void> {
    return this.services.recordReachability(this.entity.id, outcome);
  }
}
