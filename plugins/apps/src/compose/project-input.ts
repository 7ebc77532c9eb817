import { servicesOf } from '../catalog';
import type { AppDefinition } from '../catalog/definition-schema';
import { buildComposeProject, type ResolvedInstall } from '../install';

/** The generated project of an installation: what the runner uploads and how its state is read. */
export interface ComposeProject {
  projectName: string;
  yaml: string;
  holdsSecrets: boolean;
  /** The services in the definition's order, each with its image (pulled before Compose runs). */
  services: Array<{ name: string; image: string }>;
}

/**
 * The name Compose v2 gives the first container of the app's first service
 * (`<project>-<service>-1`): the installation's container as the API names it.
 */
export function mainContainerName(project: ComposeProject): string {
  return `${project.projectName}-${project.services[0].name}-1`;
}

/** The installation's Compose project, from the definition and the checked request only (never user text pasted into YAML). */
export function composeProjectFor(input: { app: AppDefinition; resolved: ResolvedInstall; installationId: string; serverId: string; dataDir: string }): ComposeProject {
  const project = buildComposeProject(input);
  const images = new Map(servicesOf(input.app).map((s) => [s.name, s.image]));
  return {
    projectName: project.projectName,
    yaml: project.yaml,
    holdsSecrets: project.holdsSecrets,
    services: project.services.map((s) => ({ name: s.name, image: images.get(s.name)! })),
  };
}
