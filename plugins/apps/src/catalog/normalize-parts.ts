import path from 'node:path';
import { DATA_ROOT } from './definition-types';
import { fieldOf, type FieldProblem } from './issues';
import type { AppHostPath, AppPort, AppVolume } from './definition-types';
import type { PortInput, VolumeInput } from './input-parts';

/*
 * The rules for ports and mounts, shared by a single-container definition (its top-level `ports:`
 * and `volumes:`) and by every service of a multi-service app: the same checks, the same messages.
 */

/**
 * Host paths never mountable, declared or not: the whole host, and system roots (each of which
 * would give the container the host's configuration, kernel interfaces, devices or the Docker socket).
 */
export const FORBIDDEN_HOST_PATHS: ReadonlySet<string> = new Set([
  '/', '/etc', '/proc', '/sys', '/dev', '/boot', '/root',
  '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/usr', '/var', '/run', '/var/run', '/var/lib', '/var/lib/docker', '/home',
]);

/** The Docker socket, under both of its usual paths. */
export const DOCKER_SOCKET_PATHS: ReadonlySet<string> = new Set(['/var/run/docker.sock', '/run/docker.sock']);

/** Below these, a host path must be declared even in lenient mode. */
const SENSITIVE_PREFIXES = ['/etc/', '/proc/', '/sys/', '/dev/', '/boot/', '/root/', '/bin/', '/sbin/', '/lib/', '/lib32/', '/lib64/', '/usr/', '/run/', '/var/run/', '/var/lib/docker/'];

export const isUnder = (p: string, root: string) => p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);

/** `/a//b/../c/` → `/a/c`; relative stays relative (`./x` → `x`, `.` → ``). */
export function normalizePosix(p: string): string {
  const n = path.posix.normalize(p);
  if (n === '.' || n === './') return '';
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

export const PATH_CHARS = /^[^\p{Cc},]*$/u;

export function checkContainerPath(p: string): string | undefined {
  if (!p.startsWith('/')) return 'container path must be absolute (start with "/")';
  if (!PATH_CHARS.test(p)) return 'container path must not contain control characters or ","';
  if (normalizePosix(p) !== p) return `container path must be normalised (no "..", "." or doubled "/"): "${normalizePosix(p)}"`;
  if (p === '/') return 'container path must not be "/"';
  return undefined;
}

type Report = (at: ReadonlyArray<PropertyKey>, message: string) => void;

/**
 * Checks published ports one by one; host ports and container ports are unique across every call
 * (across all services of an app: an install request names a port by `<container>/<protocol>`).
 */
export function portChecker(err: Report) {
  const hostSeen = new Map<string, string>();
  const containerSeen = new Map<string, string>();
  return (p: PortInput, at: ReadonlyArray<PropertyKey>, hostNetwork: boolean, service?: string): AppPort => {
    const port: AppPort = {
      ...(service !== undefined ? { service } : {}),
      container: p.container,
      host: p.host ?? p.container,
      protocol: p.protocol ?? 'tcp',
      ...(p.description ? { description: p.description } : {}),
      optional: p.optional === true,
    };
    if (hostNetwork && port.host !== port.container) {
      err([...at, 'host'], `must equal the container port (${port.container}): with hostAccess.hostNetwork the app listens on host ports directly`);
    }
    const hk = `${port.host}/${port.protocol}`;
    const ck = `${port.container}/${port.protocol}`;
    if (hostSeen.has(hk)) err([...at, 'host'], `host port ${hk} is already published by ${hostSeen.get(hk)}`);
    else hostSeen.set(hk, fieldOf(at));
    if (containerSeen.has(ck)) err([...at, 'container'], `container port ${ck} is already listed in ${containerSeen.get(ck)}`);
    else containerSeen.set(ck, fieldOf(at));
    return port;
  };
}

export interface MountContext {
  access: { dockerSocket?: boolean };
  declaredPaths: ReadonlyArray<AppHostPath>;
  strictHostPaths: boolean;
  err: Report;
  warnings: FieldProblem[];
}

/**
 * Checks data and host mounts one by one (a data mount stays under the data root; a host path is
 * declared, or implicitly declared with a warning in lenient mode; the Docker socket needs
 * `hostAccess.dockerSocket`). Container paths are unique per `containerPaths` map (one per container).
 */
export function mountChecker(ctx: MountContext) {
  const { access, declaredPaths, err, warnings } = ctx;
  const implicitPaths: AppHostPath[] = [];
  let socketMounted = false;
  const check = (v: VolumeInput, at: ReadonlyArray<PropertyKey>, containerPaths: Map<string, string>, service?: string): AppVolume | undefined => {
    const cpErr = checkContainerPath(v.container);
    if (cpErr) return void err([...at, 'container'], cpErr);
    if (containerPaths.has(v.container)) return void err([...at, 'container'], `"${v.container}" is already mounted by ${containerPaths.get(v.container)}`);
    containerPaths.set(v.container, fieldOf(at));
    const readOnly = v.readOnly === true;
    const description = v.description ? { description: v.description } : {};
    const owner = service !== undefined ? { service } : {};
    const hostAt = [...at, 'host'];

    let host = v.host === undefined ? undefined : v.host.trim();
    if (host === undefined) {
      return { kind: 'data', ...owner, subPath: v.container.slice(1), containerPath: v.container, readOnly, ...description };
    }
    if (host === '') return void err(hostAt, 'must not be empty');
    if (!PATH_CHARS.test(host)) return void err(hostAt, 'must not contain control characters or ","');
    if (host === DATA_ROOT || host.startsWith(`${DATA_ROOT}/`)) host = `./${host.slice(DATA_ROOT.length)}`;
    if (host.includes('$')) return void err(hostAt, `only the ${DATA_ROOT} placeholder is supported in host paths`);
    if (host.startsWith('~')) return void err(hostAt, 'home-directory paths ("~") are not supported: use a relative path (under the app data root) or an absolute one');

    if (!host.startsWith('/')) {
      const sub = normalizePosix(host);
      if (sub === '..' || sub.startsWith('../')) return void err(hostAt, `"${v.host}" leaves the app data root: relative host paths must stay inside it`);
      return { kind: 'data', ...owner, subPath: sub, containerPath: v.container, readOnly, ...description };
    }

    const p = normalizePosix(host);
    const resolved = p === host ? '' : ` (resolves to "${p}")`;
    if (FORBIDDEN_HOST_PATHS.has(p)) {
      return void err(hostAt, `"${v.host}"${resolved} may never be mounted: it would hand the container the host's ${p === '/' ? 'whole file system' : 'system files'}`);
    }
    if (DOCKER_SOCKET_PATHS.has(p)) {
      if (access.dockerSocket !== true) {
        return void err(hostAt, `mounts the Docker socket${resolved}, which is root on the host: the definition must declare hostAccess.dockerSocket: true`);
      }
      socketMounted = true;
      return { kind: 'host', ...owner, hostPath: p, containerPath: v.container, readOnly, ...description, dockerSocket: true };
    }
    if (!declaredPaths.some((d) => isUnder(p, d.path)) && !implicitPaths.some((d) => d.path === p)) {
      const sensitive = SENSITIVE_PREFIXES.some((prefix) => p.startsWith(prefix));
      if (ctx.strictHostPaths || sensitive) {
        return void err(
          hostAt,
          `"${p}" is outside the app data root${sensitive ? ' in a system directory' : ''}: list it in hostAccess.hostPaths (or use a relative path, which lives under the app data root)`,
        );
      }
      implicitPaths.push({ path: p, declared: false });
      warnings.push({ path: hostAt, message: `"${p}" is outside the app data root and not listed in hostAccess.hostPaths: treated as declared (the app is admin-only)` });
    }
    return { kind: 'host', ...owner, hostPath: p, containerPath: v.container, readOnly, ...description, dockerSocket: false };
  };
  return { check, implicitPaths, socketMounted: () => socketMounted };
}
