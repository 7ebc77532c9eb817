import type { ComposeStatus, PreparationView } from '@tomo/plugin-preparation/api';
import type { AppDefinition } from '../catalog/definition-schema';
import type { ComposeProgram } from './compose-argv';

/** How an install will be deployed on a server, or why it cannot be. */
export type DeploymentChoice =
  | { kind: 'compose'; program: ComposeProgram }
  | { kind: 'engine' }
  | { kind: 'refused'; reason: string };

/** What preparation recorded about Compose on the server (`PreparationView.compose`; null when no run reached its Compose step). */
export type RecordedCompose = ComposeStatus;

/** True for an app that declares `services:` (only Compose can run it; a single-container definition can also go through the Engine API). */
export function needsCompose(app: AppDefinition): boolean {
  return app.services !== undefined;
}

/**
 * The deploy path of `app` on a server whose preparation recorded `compose`: Compose v2 when the
 * server has it (every app), else the Engine API for a single-container app, else refused with the
 * reason preparation recorded.
 */
export function chooseDeployment(app: AppDefinition, compose: RecordedCompose | null | undefined, serverName: string): DeploymentChoice {
  const program = composeProgramOf(compose);
  if (program) return { kind: 'compose', program };
  if (!needsCompose(app)) return { kind: 'engine' };
  const why = compose && !compose.available ? compose.reason : compose ? 'its Compose command is not one Tomo runs' : 'its preparation did not check for Docker Compose: prepare it again';
  return { kind: 'refused', reason: `${app.name} has several services and needs Docker Compose v2, which server "${serverName}" does not have (${why})` };
}

/** The Compose v2 program preparation recorded as available; only the two Tomo knows how to drive (anything else counts as none). */
export function composeProgramOf(compose: RecordedCompose | null | undefined): ComposeProgram | undefined {
  if (!compose?.available) return undefined;
  const argv = compose.command.join(' ');
  if (argv === 'docker compose' || argv === 'docker-compose') return argv;
  return undefined;
}

/** The Compose record of a preparation view (absent from views made before preparation had one). */
export function recordedCompose(prep: PreparationView): RecordedCompose | null {
  return prep.compose ?? null;
}
