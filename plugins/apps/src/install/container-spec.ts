import path from 'node:path';
import type Dockerode from 'dockerode';
import type { AppDefinition } from '../catalog';
import { portKey, type ResolvedInstall } from './install-settings';

/*
 * The one place that decides what a Tomo-installed container is: the body of the Docker Engine API's
 * `POST /containers/create`, built from the definition and the resolved request only. Nothing here
 * goes through a shell: env values, paths and names travel as JSON strings to the engine.
 */

/**
 * The `POST /containers/create` body plus `name` (dockerode moves `name` into the query string,
 * where the Engine API wants it). The fields Tomo always sets are required here.
 */
export type ContainerSpec = Dockerode.ContainerCreateOptions & {
  name: string;
  Image: string;
  Env: string[];
  Labels: Record<string, string>;
  HostConfig: Dockerode.HostConfig;
};

export interface ContainerSpecInput {
  app: AppDefinition;
  resolved: ResolvedInstall;
  installationId: string;
  serverId: string;
  /** From {@link containerNameFor}. */
  containerName: string;
  /** The installation's data folder on the server, from {@link dataDirFor}: data volumes live under it. */
  dataDir: string;
}

/** Labels on every container Tomo creates, so Tomo can find (and only touch) its own. */
export const LABELS = {
  managed: 'io.tomo.managed',
  installation: 'io.tomo.installation',
  app: 'io.tomo.app',
  server: 'io.tomo.server',
  appVersion: 'io.tomo.app-version',
} as const;

/**
 * Logs kept per container: json-file, rotated at 10 MB, 3 files. Docker's default json-file
 * driver never rotates, so a chatty or crash-looping app would otherwise fill the server's disk
 * (and take every other app down with it); 30 MB still holds days of normal logs for the console.
 */
export const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } } as const;

/** Restarts `on-failure` gives up after, so a broken app does not restart forever. */
export const ON_FAILURE_MAX_RETRIES = 5;

/** Docker's container-name grammar; Tomo's names also stay within 63 characters (one DNS label). */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const APP_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * `tomo-<appId>-<first 6 hex digits of the installation id>` (e.g. `tomo-uptime-kuma-3f2a1c`):
 * readable in `docker ps`, unique per installation, at most 63 characters (a long app id is cut).
 * Throws for an app id that is not kebab-case or an installation id without 6 leading hex digits:
 * both come from Tomo itself, so that is a bug, not input.
 */
export function containerNameFor(appId: string, installationId: string): string {
  if (!APP_ID.test(appId)) throw new Error(`not an app id: ${JSON.stringify(appId)}`);
  const suffix = installationId.replaceAll('-', '').slice(0, 6).toLowerCase();
  if (!/^[0-9a-f]{6}$/.test(suffix)) throw new Error(`installation id ${JSON.stringify(installationId)} does not start with 6 hex digits`);
  const room = 63 - 'tomo-'.length - 1 - suffix.length;
  const id = appId.slice(0, room).replace(/-+$/, '');
  return `tomo-${id}-${suffix}`;
}

/**
 * The installation's data folder: `<dataRoot>/<containerName>`. Refuses a data root that is not an
 * absolute path, or is `/` itself (uninstalling with "remove data" deletes the data folder, so it
 * must never be the whole disk), or holds a `:` (binds could not name it), and a container name that
 * is not one (it could climb out with `..`).
 */
export function dataDirFor(dataRoot: string, containerName: string): string {
  const root = path.posix.normalize(dataRoot);
  if (!path.posix.isAbsolute(root)) throw new Error(`the apps data root must be an absolute path, not ${JSON.stringify(dataRoot)}`);
  if (root === '/') throw new Error('the apps data root must not be "/"');
  if (/[:\p{Cc}]/u.test(root)) throw new Error(`the apps data root must not contain ":" or control characters (Docker's bind syntax), not ${JSON.stringify(dataRoot)}`);
  if (!CONTAINER_NAME.test(containerName)) throw new Error(`not a container name: ${JSON.stringify(containerName)}`);
  return path.posix.join(root, containerName);
}

/** The Engine API create body of an installation. Throws only for inputs Tomo itself got wrong (see {@link bindsOf}). */
export function buildContainerSpec(input: ContainerSpecInput): ContainerSpec {
  const { app, resolved } = input;
  const hostNetwork = app.hostAccess.hostNetwork;
  // With the host's network the app listens on host ports itself: Docker publishes nothing (and refuses to).
  const published = hostNetwork ? [] : resolved.ports;

  const binds = bindsOf(app, input.dataDir);
  const hostConfig: Dockerode.HostConfig = {
    ...(binds.length > 0 ? { Binds: binds } : {}),
    RestartPolicy: app.restart === 'on-failure' ? { Name: app.restart, MaximumRetryCount: ON_FAILURE_MAX_RETRIES } : { Name: app.restart },
    LogConfig: { Type: LOG_CONFIG.Type, Config: { ...LOG_CONFIG.Config } },
  };
  if (published.length > 0) {
    hostConfig.PortBindings = Object.fromEntries(published.map((p) => [portKey(p), [{ HostPort: String(p.host) }]]));
  }
  if (app.hostAccess.privileged) hostConfig.Privileged = true;
  if (hostNetwork) hostConfig.NetworkMode = 'host';
  if (resolved.capabilities.length > 0) hostConfig.CapAdd = [...resolved.capabilities];

  return {
    name: input.containerName,
    Image: app.image,
    Env: Object.entries(resolved.env).map(([name, value]) => `${name}=${value}`),
    Labels: {
      [LABELS.managed]: 'true',
      [LABELS.installation]: input.installationId,
      [LABELS.app]: app.id,
      [LABELS.server]: input.serverId,
      ...(app.version ? { [LABELS.appVersion]: app.version } : {}),
    },
    ...(published.length > 0 ? { ExposedPorts: Object.fromEntries(published.map((p) => [portKey(p), {}])) } : {}),
    HostConfig: hostConfig,
  };
}

/**
 * `HostConfig.Binds`: data volumes as `<dataDir>/<subPath>:<containerPath>`, host volumes as
 * `<hostPath>:<containerPath>`, `:ro` when read-only. Binds rather than `Mounts` because the engine
 * creates a missing host folder of a bind, so a fresh install needs no mkdir over SSH.
 *
 * The definition format already keeps data volumes inside the data root and host paths declared;
 * this checks again (defence in depth) and refuses a `:` in any path, which the bind syntax would
 * read as a separator (moving the mount point or changing its mode).
 */
function bindsOf(app: AppDefinition, dataDir: string): string[] {
  if (!path.posix.isAbsolute(dataDir) || path.posix.normalize(dataDir) !== dataDir || dataDir.endsWith('/')) {
    throw new Error(`the data folder must be a normalised absolute path other than "/", not ${JSON.stringify(dataDir)}`);
  }
  return app.volumes.map((v) => {
    const source = v.kind === 'data' ? (v.subPath === '' ? dataDir : path.posix.join(dataDir, v.subPath)) : v.hostPath;
    if (v.kind === 'data' && source !== dataDir && !source.startsWith(`${dataDir}/`)) {
      throw new Error(`${app.id}: data volume "${v.subPath}" leaves the data folder`);
    }
    for (const p of [source, v.containerPath]) {
      if (p.includes(':')) throw new Error(`${app.id}: the volume path ${JSON.stringify(p)} contains ":", which Docker's bind syntax reads as a separator`);
    }
    return `${source}:${v.containerPath}${v.readOnly ? ':ro' : ''}`;
  });
}
