import type { ExecResult } from '@tomo/plugin-servers/api';
import type { ComposeStatus, DetectedOs, DockerSource } from './views';

export type { ComposeStatus, DetectedOs, DockerSource } from './views';

/** How commands get root on the server, detected before any change. */
export type Privilege = 'root' | 'sudo-nopasswd' | 'sudo-password';


/** Options of a run. */
export interface RunOptions {
  /** Written to standard input (how data reaches a command: never pasted into argv strings). */
  stdin?: string;
  timeoutMs?: number;
}

/**
 * What a step sees. Every command is an argv array: the servers plugin quotes each argument,
 * so nothing is interpreted by the remote shell.
 */
export interface StepContext {
  readonly os: DetectedOs;
  /** The SSH user (added to the `docker` group). */
  readonly username: string;
  readonly privilege: Privilege;
  readonly dockerSource: DockerSource;
  /** Runs as the SSH user. A non-zero exit is a result, not an error. */
  run(argv: readonly string[], options?: RunOptions): Promise<ExecResult>;
  /** Runs as root: directly, with `sudo -n`, or with `sudo -S` fed the password on stdin. */
  runAsRoot(argv: readonly string[], options?: RunOptions): Promise<ExecResult>;
  /** Like `runAsRoot`, but a non-zero exit fails the step with `failure` as its message and the output's tail as detail. */
  mustRunAsRoot(argv: readonly string[], options?: RunOptions & { failure?: string }): Promise<ExecResult>;
  /** Adds a line to this step's log (secrets are redacted before it is stored or streamed). */
  log(line: string, level?: 'info' | 'warn' | 'error'): void;
  /** Closes the pooled SSH connection so the next command logs in afresh (new group membership). */
  reconnect(): Promise<void>;
  /** Records what the server has of Docker Compose v2 (the compose step calls it; shown in the preparation's `compose`). */
  recordCompose(status: ComposeStatus): void;
}

/**
 * One named step of a preparation plan. `check` makes it idempotent: a satisfied step is not
 * applied again. `rollback` undoes a partial `apply` when it fails.
 */
export interface PreparationStep {
  /** kebab-case, stable: `update-package-index`. */
  id: string;
  /** Shown in the stepper: `Update the package index`. */
  title: string;
  check(ctx: StepContext): Promise<boolean>;
  apply(ctx: StepContext): Promise<void>;
  rollback?(ctx: StepContext): Promise<void>;
}

/** A preparer: the OS versions it supports and its plan for them. */
export interface OsPreparer {
  /** kebab-case: `debian-family`. */
  id: string;
  /** Human list of what it supports, for the "unsupported OS" message: `['Debian 11', 'Debian 12', 'Ubuntu 22.04']`. */
  supported: readonly string[];
  supports(os: DetectedOs): boolean;
  /** The steps after OS detection, in order (the spec's steps 2 to 7). */
  plan(os: DetectedOs): PreparationStep[];
}

/** The `preparation.osPreparers` extension point: how built-in and third-party preparers are added. */
export interface OsPreparersExtension {
  addPreparer(preparer: OsPreparer): void;
}
