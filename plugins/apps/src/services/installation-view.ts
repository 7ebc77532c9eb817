import type { AppDefinition } from '../catalog/definition-schema';
import type { InstallationEntity } from '../entities/installation.entity';
import { toUpdatesView } from '../updates/update-records';
import type { InstallationState, InstallationUpdatesView, InstallationView, InstalledPortView, InstalledServiceView, InstallStepView } from '../views';

/** The web address of an installation: its HTTP health-check port, else a published TCP port described as a web interface. */
export function webUrl(definition: AppDefinition, ports: readonly InstalledPortView[], serverHost: string): string | null {
  const check = definition.healthcheck;
  const hostPortOf = (container: number) =>
    definition.hostAccess.hostNetwork ? container : ports.find((p) => p.container === container && p.protocol === 'tcp')?.host;
  let port = check?.type === 'http' ? hostPortOf(check.port) : undefined;
  if (port === undefined) {
    const web = definition.ports.find((p) => p.protocol === 'tcp' && /web|http|interface|ui\b|dashboard|admin/i.test(p.description ?? ''));
    if (web) port = hostPortOf(web.container);
  }
  if (port === undefined) return null;
  const host = serverHost.includes(':') ? `[${serverHost}]` : serverHost;
  return `http://${host}:${port}/`;
}

/** An installation as the API shows it: never a secret value, the state as reconciled. */
export function toInstallationView(
  entity: InstallationEntity,
  state: { state: InstallationState; detail: string | null; services?: InstalledServiceView[] },
  serverHost: string,
  operation: InstallationUpdatesView['operation'] = null,
): InstallationView {
  const definition = JSON.parse(entity.definitionJson) as AppDefinition;
  const ports = JSON.parse(entity.portsJson) as InstalledPortView[];
  const secretSettings = JSON.parse(entity.secretNamesJson) as string[];
  const plain = JSON.parse(entity.settingsJson) as Record<string, string>;
  const settings: Record<string, string | null> = { ...plain };
  for (const name of secretSettings) settings[name] = null;
  return {
    id: entity.id,
    serverId: entity.serverId,
    appId: entity.appId,
    appName: entity.appName,
    containerName: entity.containerName,
    image: entity.image,
    state: state.state,
    stateDetail: state.detail,
    ports,
    settings,
    secretSettings,
    dataDir: entity.dataDir,
    deployment: entity.deployment,
    projectName: entity.projectName,
    services: state.services ?? [],
    progress: JSON.parse(entity.progressJson) as InstallStepView[],
    updates: toUpdatesView(entity, operation),
    error: entity.error,
    url: webUrl(definition, ports, serverHost),
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}
