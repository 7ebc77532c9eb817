import path from 'node:path';
import type { ServerHandle } from '@tomo/plugin-servers/api';
import { InstallFailure } from '../services/installer';
import { createArgv, downArgv, startArgv, stopArgv, upArgv, type ComposeTarget } from './compose-argv';
import { redactSecrets } from './redact';

/** Deadlines of the Compose commands that do not wait for health, in ms. */
const SHORT_COMMAND_MS = 120_000;
/** Stderr kept in a failure message (Compose prints one line per service; the last ones say why). */
const MAX_ERROR_CHARS = 600;

export interface ComposeRunnerOptions {
  /** Values that must never appear in a message (the installation's secret settings). */
  secrets: readonly string[];
  /** Seconds a container gets to stop before it is killed (stop and down). */
  stopTimeoutSeconds: number;
}

/**
 * Runs one Compose project on one server through the operation's server handle: writes its
 * compose file over SFTP, and runs Compose with fixed argument vectors (see compose-argv.ts).
 * A command that fails becomes an {@link InstallFailure} whose message is Compose's own stderr
 * with every secret value blanked out.
 */
export class ComposeRunner {
  constructor(
    private readonly server: ServerHandle,
    readonly target: ComposeTarget,
    private readonly options: ComposeRunnerOptions,
  ) {}

  /** The folder holding the compose file. */
  get folder(): string {
    return path.posix.dirname(this.target.file);
  }

  /**
   * Creates the project folder (mode 0700, owned by the login user who runs Compose) and writes
   * the compose file: mode 0600 when it holds secrets (they are in the environment it declares),
   * 0644 otherwise. The mode is set before any byte is written.
   */
  async writeFile(yaml: string, holdsSecrets: boolean): Promise<void> {
    // `install -d` creates missing parents and sets the mode of the folder even when it exists (an earlier try's).
    await this.run(['install', '-d', '-m', '0700', '--', this.folder], 'create the app folder', SHORT_COMMAND_MS);
    try {
      await this.server.upload(this.target.file, yaml, { mode: holdsSecrets ? 0o600 : 0o644 });
    } catch (err) {
      throw new InstallFailure(`The compose file could not be written to ${this.target.file}: ${this.clean((err as Error).message)}`);
    }
  }

  /** Creates the network, volumes and containers (images must be on the server: nothing is pulled here on purpose). */
  create(): Promise<void> {
    return this.run(createArgv(this.target), 'create the containers', SHORT_COMMAND_MS);
  }

  /** Starts every service in dependency order and waits until all run and are healthy. */
  up(waitSeconds: number): Promise<void> {
    return this.run(upArgv(this.target, waitSeconds), 'start the app', (waitSeconds + 60) * 1000);
  }

  start(): Promise<void> {
    return this.run(startArgv(this.target), 'start the app', SHORT_COMMAND_MS);
  }

  stop(): Promise<void> {
    return this.run(stopArgv(this.target, this.options.stopTimeoutSeconds), 'stop the app', SHORT_COMMAND_MS + this.options.stopTimeoutSeconds * 1000);
  }

  /**
   * Removes containers and network (and with `volumes`, the named volumes), then the project
   * folder with its compose file unless `keepFolder` (a failed install keeps it, so an uninstall
   * can still name the project's volumes).
   */
  async down(volumes: boolean, options: { keepFolder?: boolean } = {}): Promise<void> {
    await this.run(downArgv(this.target, { volumes, timeoutSeconds: this.options.stopTimeoutSeconds }), 'remove the app', SHORT_COMMAND_MS + this.options.stopTimeoutSeconds * 1000);
    if (!options.keepFolder) await this.removeFolder();
  }

  /** Removes the project folder (the compose file; the login user owns it all). */
  async removeFolder(): Promise<void> {
    await this.run(['rm', '-rf', '--', this.folder], 'remove the app folder', SHORT_COMMAND_MS);
  }

  /** Runs argv on the server; a non-zero exit or an SSH failure is an InstallFailure saying what could not be done and why. */
  private async run(argv: string[], what: string, timeoutMs: number): Promise<void> {
    let result;
    try {
      result = await this.server.exec(argv, { timeoutMs, maxOutputBytes: 256 * 1024 });
    } catch (err) {
      throw new InstallFailure(`Could not ${what} on the server: ${this.clean((err as Error).message)}`);
    }
    if (result.exitCode === 0) return;
    const why = this.clean(result.stderr || result.stdout) || (result.signal ? `ended by ${result.signal}` : `exit code ${String(result.exitCode)}`);
    throw new InstallFailure(`Could not ${what}: ${why}`);
  }

  /** The message without secrets, trimmed to its end (where Compose says why). */
  private clean(text: string): string {
    // A secret can also appear as written in the compose file, with `$` doubled against interpolation.
    const forms = this.options.secrets.flatMap((s) => [s, s.replaceAll('$', '$$$$')]);
    const redacted = redactSecrets(text, forms).trim();
    return redacted.length > MAX_ERROR_CHARS ? `…${redacted.slice(-MAX_ERROR_CHARS)}` : redacted;
  }
}
