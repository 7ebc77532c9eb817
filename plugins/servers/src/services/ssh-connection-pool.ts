import { createHash } from 'node:crypto';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import type { Logger } from 'pino';
import { lazyModule, quoteShellArg } from '@tomo/kernel';
import type { SshConfig } from '../config';
import type { ExecOptions, ExecResult, PtySize, StreamDestination } from '../contract/ssh-types';
import { describeHostKey, type HostKeyInfo } from './host-key';
import type { StoredCredentials } from './ssh-credentials';
import { classifySshError, SshError } from './ssh-errors';
import { NO_SSH_METRICS, type SshMetrics } from './ssh-metrics';

// ssh2 loads with the first SSH connection: at require time it instantiates its WebAssembly
// Poly1305 with 16 MiB of memory, which an instance with no servers never needs (issue 19, idle memory).
const ssh2 = lazyModule<typeof import('ssh2')>(require, 'ssh2');

export type { ExecOptions, ExecResult, StreamDestination } from '../contract/ssh-types';

/** Everything needed to reach one server. */
export interface SshTarget {
  id: string;
  host: string;
  port: number;
  username: string;
  credentials: StoredCredentials;
  /** The trusted host-key fingerprint, or null before the first successful connection. */
  trustedFingerprint: string | null;
}

/** Told what host key a new connection saw. */
export interface HostKeyEvents {
  /** First successful connection to a server with no trusted key yet (trust on first use). */
  onFirstSeen(key: HostKeyInfo): Promise<void> | void;
  /** The server presented a key other than the trusted one; the connection was refused before authentication. */
  onMismatch(key: HostKeyInfo): Promise<void> | void;
  /**
   * A new connection is ready with the trusted key (a changed key the server presented earlier
   * may be waiting for acceptance: it is stale now). Awaited before the connection is used, so
   * whatever the caller records next sees the record without it; a failure here is logged and
   * does not fail the connection.
   */
  onTrustedSeen(key: HostKeyInfo): Promise<void> | void;
}

function describeDestination(destination: StreamDestination): string {
  return 'socketPath' in destination ? `cannot open ${destination.socketPath} on the server` : `cannot connect to ${destination.host}:${destination.port} from the server`;
}

interface Pooled {
  client: Client;
  identity: string;
  ready: Promise<void>;
  closed: boolean;
  active: number;
  waiting: Array<() => void>;
  idleTimer?: NodeJS.Timeout;
  connectMs: number;
  hostKey?: HostKeyInfo;
}

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;

/** Which connection settings a pooled connection was made with; a change makes a new one. */
function identityOf(target: SshTarget): string {
  return createHash('sha256')
    .update(JSON.stringify([target.host, target.port, target.username, target.credentials, target.trustedFingerprint]))
    .digest('hex');
}

/** Builds the one command string ssh2 sends: every argument single-quoted by the kernel's quoting helper. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('exec needs at least the program name');
  return argv.map(quoteShellArg).join(' ');
}

/**
 * One SSH connection per server, kept open and shared by every operation on it: keepalive,
 * a handshake timeout, a deadline per command, at most N channels at once, and a fresh
 * connection after a drop. Host keys are checked before authentication: a mismatch sends
 * nothing to the server.
 */
export class SshConnectionPool {
  private readonly pool = new Map<string, Pooled>();
  /** Connections replaced by connectFresh while busy: closed after their last command (or at shutdown). */
  private readonly retired = new Set<Pooled>();
  private stopped = false;

  constructor(
    private readonly config: SshConfig,
    private readonly log: Logger,
    /** Connection attempts and commands, for `/metrics`. */
    private readonly metrics: SshMetrics = NO_SSH_METRICS,
  ) {}

  /** Number of open pooled connections (for status and tests). */
  get size(): number {
    return this.pool.size;
  }

  private connect(target: SshTarget, events: HostKeyEvents): Pooled {
    const client = new (ssh2().Client)();
    const started = process.hrtime.bigint();
    let rejected: HostKeyInfo | undefined;
    let presented: HostKeyInfo | undefined;
    const pooled: Pooled = { client, identity: identityOf(target), closed: false, active: 0, waiting: [], connectMs: 0, ready: Promise.resolve() };
    pooled.ready = new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        this.metrics.connection('failed');
        const error = classifySshError(err, { hostKeyRejected: Boolean(rejected) });
        if (!rejected) return reject(error);
        // Recorded before the caller hears of it, so what it reads or records next includes the pending key.
        const mismatch = rejected;
        Promise.resolve()
          .then(() => events.onMismatch(mismatch))
          .catch((e: Error) => this.log.error({ err: e }, 'Recording a changed host key failed'))
          .then(() => reject(error));
      };
      client.once('ready', () => {
        settled = true;
        this.metrics.connection('ok');
        pooled.connectMs = Number(process.hrtime.bigint() - started) / 1e6;
        pooled.hostKey = presented;
        const firstSeen = presented;
        if (!target.trustedFingerprint && firstSeen) {
          // Now trusted: the connection is the one for the target with this fingerprint, so the
          // next operation (which reads the stored fingerprint) reuses it instead of reconnecting.
          Promise.resolve(events.onFirstSeen(firstSeen)).then(() => {
            pooled.identity = identityOf({ ...target, trustedFingerprint: firstSeen.fingerprint });
            resolve();
          }, reject);
        } else if (firstSeen) {
          Promise.resolve(events.onTrustedSeen(firstSeen))
            .catch((e: Error) => this.log.error({ err: e }, 'Recording the trusted host key presented again failed'))
            .then(() => resolve());
        } else resolve();
      });
      client.on('error', (err) => {
        pooled.closed = true;
        fail(err);
      });
      client.on('close', () => {
        pooled.closed = true;
        if (this.pool.get(target.id) === pooled) this.pool.delete(target.id);
        fail(new SshError('connection_lost'));
      });
      const options: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.username,
        readyTimeout: this.config.handshakeTimeoutMs,
        keepaliveInterval: this.config.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        tryKeyboard: false,
        hostVerifier: (blob: Buffer) => {
          presented = describeHostKey(blob);
          if (target.trustedFingerprint && presented.fingerprint !== target.trustedFingerprint) {
            rejected = presented;
            return false;
          }
          return true;
        },
      };
      if (target.credentials.type === 'password') options.password = target.credentials.password;
      else {
        options.privateKey = target.credentials.privateKey;
        if (target.credentials.passphrase) options.passphrase = target.credentials.passphrase;
      }
      try {
        client.connect(options);
        // Without TCP_NODELAY each command waits ~40 ms (Nagle against the server's delayed ACK).
        client.setNoDelay(true);
      } catch (err) {
        fail(err);
      }
    });
    // A failed connect must not leave an unhandled rejection when nobody awaits it yet.
    pooled.ready.catch(() => undefined);
    return pooled;
  }

  /** A ready connection for the target: the pooled one, or a new one. */
  private async acquire(target: SshTarget, events: HostKeyEvents): Promise<Pooled> {
    if (this.stopped) throw new SshError('ssh_failed', 'Tomo is shutting down');
    let pooled = this.pool.get(target.id);
    if (pooled && (pooled.closed || pooled.identity !== identityOf(target))) {
      this.drop(target.id);
      pooled = undefined;
    }
    if (!pooled) {
      pooled = this.connect(target, events);
      this.pool.set(target.id, pooled);
    }
    try {
      await pooled.ready;
    } catch (err) {
      if (this.pool.get(target.id) === pooled) this.pool.delete(target.id);
      pooled.client.end();
      throw err;
    }
    return pooled;
  }

  private async takeChannel(pooled: Pooled): Promise<void> {
    if (pooled.idleTimer) clearTimeout(pooled.idleTimer);
    if (pooled.active < this.config.maxChannelsPerConnection) {
      pooled.active++;
      return;
    }
    await new Promise<void>((resolve) => pooled.waiting.push(resolve));
    pooled.active++;
  }

  private releaseChannel(target: SshTarget, pooled: Pooled): void {
    pooled.active--;
    const next = pooled.waiting.shift();
    if (next) return next();
    if (pooled.active === 0 && this.retired.delete(pooled)) {
      // Replaced by a fresh connection (connectFresh) while this one was busy: its last command is done.
      pooled.closed = true;
      pooled.client.end();
      return;
    }
    if (pooled.active === 0 && !pooled.closed) {
      pooled.idleTimer = setTimeout(() => {
        if (this.pool.get(target.id) === pooled && pooled.active === 0) this.drop(target.id);
      }, this.config.idleCloseMs).unref();
    }
  }

  /**
   * Runs `argv` on the server (each argument quoted, so nothing is interpreted by the remote
   * shell). A non-zero exit code is a result, not an error; connection failures and deadlines
   * throw {@link SshError}.
   */
  async exec(target: SshTarget, argv: readonly string[], options: ExecOptions, events: HostKeyEvents): Promise<ExecResult> {
    const command = commandLine(argv);
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await this.execWithRetry(target, command, options, events);
      this.metrics.command('completed', seconds());
      return result;
    } catch (err) {
      this.metrics.command('failed', seconds());
      throw err;
    }
  }

  private async execWithRetry(target: SshTarget, command: string, options: ExecOptions, events: HostKeyEvents): Promise<ExecResult> {
    for (let attempt = 0; ; attempt++) {
      const pooled = await this.acquire(target, events);
      await this.takeChannel(pooled);
      try {
        return await this.run(pooled, command, options);
      } catch (err) {
        // The connection died before the command could start (a drop noticed late): one retry on a fresh one.
        if (attempt === 0 && err instanceof ChannelOpenError) {
          this.drop(target.id);
          continue;
        }
        throw err;
      } finally {
        this.releaseChannel(target, pooled);
      }
    }
  }

  private run(pooled: Pooled, command: string, options: ExecOptions): Promise<ExecResult> {
    const started = process.hrtime.bigint();
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const timeoutMs = options.timeoutMs ?? this.config.commandTimeoutMs;
    return new Promise<ExecResult>((resolve, reject) => {
      if (pooled.closed) return reject(new ChannelOpenError());
      let finished = false;
      let channel: ClientChannel | undefined;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let truncated = false;
      const finish = (fn: () => void) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        pooled.client.removeListener('close', onClientClose);
        fn();
      };
      const onClientClose = () => finish(() => reject(new SshError('connection_lost')));
      pooled.client.once('close', onClientClose);
      const timer = setTimeout(() => {
        finish(() => reject(new SshError('command_timed_out', `after ${timeoutMs} ms`)));
        // Closing the channel alone leaves the command running on the server (no pty): kill it first.
        if (channel) stopRemote(channel);
      }, timeoutMs);
      timer.unref();
      try {
        pooled.client.exec(command, (openErr, stream) => {
          if (openErr) return finish(() => reject(pooled.closed ? new ChannelOpenError() : classifySshError(openErr)));
          if (finished) {
            // The deadline passed while the server was starting the command: stop it, nobody waits for it.
            stream.on('error', () => undefined);
            stopRemote(stream);
            return;
          }
          channel = stream;
          const collect = (chunks: Buffer[], size: number, chunk: Buffer): number => {
            if (size < limit) chunks.push(chunk.subarray(0, limit - size));
            if (size + chunk.length > limit) truncated = true;
            return size + chunk.length;
          };
          stream.on('data', (chunk: Buffer) => (outBytes = collect(out, outBytes, chunk)));
          stream.stderr.on('data', (chunk: Buffer) => (errBytes = collect(err, errBytes, chunk)));
          stream.on('close', (code: number | null | undefined, signal: string | null | undefined) => {
            if ((code === undefined || code === null) && !signal && pooled.closed) return finish(() => reject(new SshError('connection_lost')));
            finish(() =>
              resolve({
                exitCode: typeof code === 'number' ? code : null,
                signal: signal ?? null,
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8'),
                truncated,
                durationMs: Number(process.hrtime.bigint() - started) / 1e6,
              }),
            );
          });
          stream.on('error', (e: Error) => finish(() => reject(classifySshError(e))));
          if (options.stdin !== undefined) stream.end(options.stdin);
          else stream.end();
        });
      } catch (e) {
        finish(() => reject(pooled.closed ? new ChannelOpenError() : classifySshError(e)));
      }
    });
  }

  /**
   * Opens a byte stream through the server's pooled connection: to a Unix socket on the server
   * (`{ socketPath }`, e.g. the Docker engine's) or to a TCP address as the server sees it
   * (`{ host, port }`, e.g. an app's port on the server's loopback). The stream holds one of the
   * connection's channel slots until it closes. OpenSSH must allow forwarding for the login
   * (`AllowStreamLocalForwarding` / `AllowTcpForwarding`, both on by default).
   */
  async openStream(target: SshTarget, destination: StreamDestination, events: HostKeyEvents): Promise<ClientChannel> {
    const { pooled, opened: channel } = await this.openOnSlot(target, events, (p) => this.forward(p, destination));
    return this.holdSlot(target, pooled, channel);
  }

  /**
   * Opens an interactive login shell with a pty (`xterm-256color`) on the server's pooled
   * connection: one channel slot, held until the channel closes.
   */
  async openShell(target: SshTarget, size: PtySize, events: HostKeyEvents): Promise<ClientChannel> {
    const { pooled, opened: channel } = await this.openOnSlot(target, events, (p) => this.shell(p, size));
    return this.holdSlot(target, pooled, channel);
  }

  private shell(pooled: Pooled, size: PtySize): Promise<ClientChannel> {
    return new Promise<ClientChannel>((resolve, reject) => {
      if (pooled.closed) return reject(new ChannelOpenError());
      try {
        pooled.client.shell({ term: 'xterm-256color', cols: size.cols, rows: size.rows, width: 0, height: 0 }, (openErr, channel) => {
          if (openErr) return reject(pooled.closed ? new ChannelOpenError() : new SshError('ssh_failed', `the server refused a shell: ${openErr.message}`));
          resolve(channel);
        });
      } catch (e) {
        reject(pooled.closed ? new ChannelOpenError() : classifySshError(e));
      }
    });
  }

  /** Releases the channel's slot when it closes, or when its connection dies (some channels never emit 'close' then). */
  private holdSlot(target: SshTarget, pooled: Pooled, channel: ClientChannel): ClientChannel {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.releaseChannel(target, pooled);
    };
    channel.once('close', release);
    // A connection that dies takes its channels with it; some never emit 'close' then.
    pooled.client.once('close', release);
    channel.once('close', () => pooled.client.removeListener('close', release));
    return channel;
  }

  /**
   * Takes a channel slot on the server's connection and opens something on it (a forwarded
   * stream, an SFTP session); the slot is the caller's to release once it succeeded. A connection
   * found dead only now is replaced once.
   */
  private async openOnSlot<T>(target: SshTarget, events: HostKeyEvents, open: (pooled: Pooled) => Promise<T>): Promise<{ pooled: Pooled; opened: T }> {
    for (let attempt = 0; ; attempt++) {
      const pooled = await this.acquire(target, events);
      await this.takeChannel(pooled);
      try {
        return { pooled, opened: await open(pooled) };
      } catch (err) {
        this.releaseChannel(target, pooled);
        if (attempt === 0 && err instanceof ChannelOpenError) {
          this.drop(target.id);
          continue;
        }
        throw err;
      }
    }
  }

  private forward(pooled: Pooled, destination: StreamDestination): Promise<ClientChannel> {
    return new Promise<ClientChannel>((resolve, reject) => {
      if (pooled.closed) return reject(new ChannelOpenError());
      const done = (openErr: Error | undefined, channel: ClientChannel) => {
        if (openErr) return reject(pooled.closed ? new ChannelOpenError() : new SshError('forward_refused', `${describeDestination(destination)}: ${openErr.message}`));
        resolve(channel);
      };
      try {
        if ('socketPath' in destination) pooled.client.openssh_forwardOutStreamLocal(destination.socketPath, done);
        else pooled.client.forwardOut('127.0.0.1', 0, destination.host, destination.port, done);
      } catch (e) {
        reject(pooled.closed ? new ChannelOpenError() : classifySshError(e));
      }
    });
  }

  /**
   * Runs `work` on an SFTP session over the server's pooled connection (one channel slot, held
   * until `work` settles; the session is closed after it). Paths travel as SFTP data, never
   * through a shell.
   */
  async withSftp<T>(target: SshTarget, events: HostKeyEvents, work: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    const { pooled, opened: sftp } = await this.openOnSlot(target, events, (p) => this.openSftp(p));
    try {
      return await work(sftp);
    } finally {
      sftp.end();
      this.releaseChannel(target, pooled);
    }
  }

  private openSftp(pooled: Pooled): Promise<SFTPWrapper> {
    return new Promise<SFTPWrapper>((resolve, reject) => {
      if (pooled.closed) return reject(new ChannelOpenError());
      try {
        pooled.client.sftp((err, sftp) => {
          if (err) return reject(pooled.closed ? new ChannelOpenError() : new SshError('file_refused', 'the SFTP subsystem could not be started'));
          resolve(sftp);
        });
      } catch (e) {
        reject(pooled.closed ? new ChannelOpenError() : classifySshError(e));
      }
    });
  }

  /**
   * Connects anew (replacing any pooled connection; one that is running commands is closed
   * after them), for `test_connection`: proves the stored credentials and host key still work
   * and measures the connect time.
   */
  async connectFresh(target: SshTarget, events: HostKeyEvents): Promise<{ connectMs: number; hostKey?: HostKeyInfo }> {
    const previous = this.pool.get(target.id);
    if (previous && previous.active + previous.waiting.length > 0) {
      // Commands are running on it: it leaves the pool now and closes after its last command.
      this.pool.delete(target.id);
      this.retired.add(previous);
    } else this.drop(target.id);
    const pooled = await this.acquire(target, events);
    return { connectMs: pooled.connectMs, hostKey: pooled.hostKey };
  }

  /** Closes a server's pooled connection (after a credential change, a new host key, or deletion). */
  drop(serverId: string): void {
    const pooled = this.pool.get(serverId);
    if (!pooled) return;
    this.pool.delete(serverId);
    if (pooled.idleTimer) clearTimeout(pooled.idleTimer);
    pooled.closed = true;
    pooled.client.end();
  }

  /** Closes everything (shutdown). */
  async closeAll(): Promise<void> {
    this.stopped = true;
    const all = [...this.pool.keys()];
    for (const id of all) this.drop(id);
    for (const pooled of this.retired) pooled.client.end();
    this.retired.clear();
  }
}

/**
 * Sends the RFC 4254 "signal" request (KILL) for a running command; OpenSSH delivers it to the
 * session's process group. ssh2's `channel.signal()` does nothing once stdin was ended (always
 * the case here), so the request goes through the channel's protocol object.
 */
function killRemote(channel: ClientChannel): void {
  const c = channel as unknown as { outgoing?: { id: number; state: string }; _client?: { _protocol?: { signal(id: number, name: string): void } } };
  try {
    if (c.outgoing && (c.outgoing.state === 'open' || c.outgoing.state === 'eof')) c._client?._protocol?.signal(c.outgoing.id, 'KILL');
  } catch {
    // the connection is going away: nothing left to stop
  }
}

/** When the KILL request is sent again, in ms after the first; then the channel is closed. */
const KILL_RETRIES_MS = [100, 300, 1000];

/**
 * Stops a command nobody waits for any more: KILL now, and again a few times until the channel
 * closes, then closes it. Again, because sshd signals the command's process group, which exists
 * only once the forked child has called setsid(): a KILL that arrives just after the command
 * started (a deadline passing as the channel opens) finds no group and is lost.
 */
function stopRemote(channel: ClientChannel): void {
  let closed = false;
  channel.once('close', () => (closed = true));
  killRemote(channel);
  for (const [i, ms] of KILL_RETRIES_MS.entries()) {
    setTimeout(() => {
      if (closed) return;
      killRemote(channel);
      if (i === KILL_RETRIES_MS.length - 1) channel.close();
    }, ms).unref();
  }
}

/** The channel could not be opened because the connection was already gone. */
class ChannelOpenError extends SshError {
  constructor() {
    super('connection_lost');
  }
}
