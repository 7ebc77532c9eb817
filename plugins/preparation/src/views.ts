/**
 * The shapes the preparation plugin shows to the outside (HTTP, MCP, the live stream), with no
 * imports: the console's panel type-checks against this file directly, so its types cannot
 * drift from the backend's.
 */

/** What `/etc/os-release` and `uname -m` say about a server. */
export interface DetectedOs {
  /** `ID`, lower-case: `debian`, `ubuntu`, `rocky`, `rhel`, `almalinux`, `fedora`, … */
  id: string;
  /** `VERSION_ID`: `12`, `22.04`, `9.3`, `40`. */
  versionId: string;
  /** `ID_LIKE` split on spaces: `['debian']`, `['rhel', 'centos', 'fedora']`. */
  idLike: string[];
  /** `VERSION_CODENAME` (`bookworm`, `jammy`), when given. */
  codename: string | null;
  prettyName: string;
  /** `uname -m`: `x86_64`, `aarch64`. */
  architecture: string;
}

/** Where Docker comes from: Docker's official repository, the distribution's package, or official with fallback. */
export type DockerSource = 'auto' | 'official' | 'distribution';

export type PreparationStatus = 'pending' | 'in_progress' | 'completed' | 'failed';
export type StepState = 'pending' | 'running' | 'satisfied' | 'applied' | 'failed' | 'rolled_back';

/** A step as the stepper shows it. */
export interface StepView {
  id: string;
  title: string;
  state: StepState;
}

/** One line of a server's preparation log (secrets already redacted). */
export interface LogLine {
  id: number;
  at: string;
  /** The step that wrote it (`install-docker`), or null for lines about the whole run. */
  step: string | null;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/**
 * Docker Compose v2 on a server, as its last preparation found it. Available: the version
 * (`2.26.1`) and the argv prefix that runs it (`["docker", "compose"]`, the CLI plugin, or
 * `["docker-compose"]`, a standalone v2 binary). Unavailable: why, as a sentence (only Compose
 * v1 or no package with v2 in the server's repositories); Docker itself still works.
 */
export type ComposeStatus =
  | { available: true; version: string; command: string[] }
  | { available: false; reason: string };

/** What `get_preparation_status` returns: `pending` with no steps when never prepared. */
export interface PreparationView {
  preparationId: string | null;
  serverId: string;
  status: PreparationStatus;
  currentStep: string | null;
  failedStep: string | null;
  error: string | null;
  steps: StepView[];
  os: DetectedOs | null;
  /** The OS preparer that made the plan (`debian-family`). */
  preparer: string | null;
  /** Docker Compose v2 as the run's compose step found it; null until a run reached that step. */
  compose: ComposeStatus | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** The last lines of the log (status answers only; not in `state` events). */
  recentLog?: LogLine[];
}

/** Options of one run. The sudo password is for this run only (key logins whose sudo asks for one); never stored. */
export interface StartOptions {
  sudoPassword?: string;
  dockerSource?: DockerSource;
}
