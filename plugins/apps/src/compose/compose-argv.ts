import path from 'node:path';

/*
 * The only command lines Tomo runs for Compose: fixed argument vectors built from Tomo's own
 * project name and file path (never user text), sent through the server handle's exec (each
 * argument quoted, nothing interpreted by a shell). Pure functions, no I/O.
 */

/** How Compose is called on a server, as preparation recorded it: the Docker CLI plugin, or the standalone v2 binary. */
export type ComposeProgram = 'docker compose' | 'docker-compose';

/** Compose's own rule for project names (lower-case letters, digits, `-` and `_`, starting with a letter or digit). */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** One Compose project on one server: its name and the absolute path of its compose file there. */
export interface ComposeTarget {
  program: ComposeProgram;
  project: string;
  file: string;
}

/** The argv prefix of a program; anything else recorded is refused (it would be a command Tomo never chose). */
export function programArgv(program: string): string[] {
  if (program === 'docker compose') return ['docker', 'compose'];
  if (program === 'docker-compose') return ['docker-compose'];
  throw new Error(`not a Compose program Tomo runs: ${JSON.stringify(program)}`);
}

/** `<program> -p <project> -f <file>`: every command names its project and file, so nothing depends on the working folder. */
function base(target: ComposeTarget): string[] {
  if (!PROJECT_NAME.test(target.project)) throw new Error(`not a Compose project name: ${JSON.stringify(target.project)}`);
  if (!path.posix.isAbsolute(target.file) || path.posix.normalize(target.file) !== target.file || /\p{Cc}/u.test(target.file)) {
    throw new Error(`the compose file must be a normalised absolute path: ${JSON.stringify(target.file)}`);
  }
  return [...programArgv(target.program), '--project-name', target.project, '--file', target.file];
}

/** Creates the project's network, volumes and containers without starting them (`up --no-start`). */
export function createArgv(target: ComposeTarget): string[] {
  return [...base(target), 'up', '--no-start', '--remove-orphans'];
}

/**
 * Starts the project in the background in dependency order (a service waits for the services it
 * depends on to be healthy) and returns once every service runs and is healthy, or fails after
 * `waitSeconds`.
 */
export function upArgv(target: ComposeTarget, waitSeconds: number): string[] {
  return [...base(target), 'up', '--detach', '--wait', '--wait-timeout', String(Math.max(1, Math.round(waitSeconds)))];
}

/** Starts the project's existing containers. */
export function startArgv(target: ComposeTarget): string[] {
  return [...base(target), 'start'];
}

/** Stops the project's containers (SIGTERM, then SIGKILL after `timeoutSeconds`); they stay, with their state. */
export function stopArgv(target: ComposeTarget, timeoutSeconds: number): string[] {
  return [...base(target), 'stop', '--timeout', String(timeoutSeconds)];
}

/** Removes the project's containers and network; with `volumes`, its named volumes too. */
export function downArgv(target: ComposeTarget, options: { volumes: boolean; timeoutSeconds: number }): string[] {
  return [...base(target), 'down', '--remove-orphans', '--timeout', String(options.timeoutSeconds), ...(options.volumes ? ['--volumes'] : [])];
}

/** The label Compose puts on every container, network and volume of a project. */
export const PROJECT_LABEL = 'com.docker.compose.project';
/** The label naming a container's service. */
export const SERVICE_LABEL = 'com.docker.compose.service';
