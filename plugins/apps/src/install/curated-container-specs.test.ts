import fs from 'node:fs';
import path from 'node:path';
import { DATA_ROOT, DEFINITION_FILE, DOCKER_SOCKET_PATHS, loadYamlCatalog, type AppDefinition, type CatalogLoadResult } from '../catalog';
import { BUILTIN_CATALOG } from '../catalog/test-fixtures';
import { buildContainerSpec, containerNameFor, dataDirFor, type ContainerSpec } from './container-spec';
import { resolveInstallRequest, type ResolvedInstall } from './install-settings';
import { fakeGenerate } from './test-fixtures';

/*
 * The container every curated app would get, installed with its defaults. The snapshot file next
 * to this test is the reviewed record of those containers: a change to the installer or to a
 * definition that alters one shows up there in review. The structural checks below hold for any
 * definition, so they also catch a wrong snapshot being accepted with `-u`.
 */

const INSTALLATION_ID = '3f2a1c9e-0b7d-4c1a-9e55-6a0f1d2c3b4a';
const SERVER_ID = '7d0e6b1a-5c4f-4e2b-8a9d-1f3e5c7a9b0d';
const APPS_ROOT = '/srv/tomo/apps';

/**
 * The built-in catalog's single-container apps (a file without `services:`), read synchronously so
 * each app gets its own named test. Multi-service apps have no one container: their Compose files
 * are snapshotted by curated-compose-files.test.ts.
 */
const FILES = fs.readdirSync(BUILTIN_CATALOG).filter((f) => DEFINITION_FILE.test(f)).sort();
const SINGLE = FILES.filter((f) => !/^services:/m.test(fs.readFileSync(path.join(BUILTIN_CATALOG, f), 'utf8')));
const IDS = SINGLE.map((f) => path.basename(f, path.extname(f)));

let catalog: CatalogLoadResult;
beforeAll(async () => {
  catalog = await loadYamlCatalog(BUILTIN_CATALOG);
});

function appById(id: string): AppDefinition {
  const loaded = catalog.apps.find((a) => a.definition.id === id);
  if (!loaded) throw new Error(`${id} is not in the built-in catalog`);
  return loaded.definition;
}

/** The request of a user who changes nothing: required settings get a placeholder (they have no default). */
function defaultRequest(app: AppDefinition) {
  return { appId: app.id, settings: Object.fromEntries(app.env.filter((e) => e.required).map((e) => [e.name, `value-of-${e.name}`])) };
}

function install(app: AppDefinition): { resolved: ResolvedInstall; spec: ContainerSpec; dataDir: string } {
  const r = resolveInstallRequest(app, defaultRequest(app), { isAdmin: true, generate: fakeGenerate });
  if (!r.ok) throw new Error(`${app.id}: ${JSON.stringify(r.errors)}`);
  const containerName = containerNameFor(app.id, INSTALLATION_ID);
  const dataDir = dataDirFor(APPS_ROOT, containerName);
  const spec = buildContainerSpec({ app, resolved: r.value, installationId: INSTALLATION_ID, serverId: SERVER_ID, containerName, dataDir });
  return { resolved: r.value, spec, dataDir };
}

const isUnder = (p: string, root: string) => p === root || p.startsWith(`${root}/`);

/** Every key a Tomo container spec may have: a new one (Cmd, User, Devices...) must be added here on purpose. */
const SPEC_KEYS = ['name', 'Image', 'Env', 'Labels', 'ExposedPorts', 'HostConfig'];
const HOST_CONFIG_KEYS = ['Binds', 'PortBindings', 'RestartPolicy', 'LogConfig', 'Privileged', 'NetworkMode', 'CapAdd'];

it('the built-in catalog loads without errors, at least 15 single-container apps, one per file', () => {
  expect(catalog.errors).toEqual([]);
  expect(IDS.length).toBeGreaterThanOrEqual(15);
  expect(catalog.apps.filter((a) => !a.definition.services).map((a) => a.definition.id).sort()).toEqual(IDS);
});

describe.each(IDS)('%s', (id) => {
  it('creates exactly the snapshotted container', () => {
    expect(install(appById(id)).spec).toMatchSnapshot();
  });

  it('runs the image of the definition, labelled as Tomo\'s', () => {
    const app = appById(id);
    const { spec } = install(app);
    expect(spec.Image).toBe(app.image);
    expect(spec.name).toMatch(/^tomo-[a-z0-9-]+-3f2a1c$/);
    expect(spec.Labels).toMatchObject({ 'io.tomo.managed': 'true', 'io.tomo.app': app.id, 'io.tomo.installation': INSTALLATION_ID, 'io.tomo.server': SERVER_ID });
    expect(Object.keys(spec).filter((k) => !SPEC_KEYS.includes(k))).toEqual([]);
    expect(Object.keys(spec.HostConfig).filter((k) => !HOST_CONFIG_KEYS.includes(k))).toEqual([]);
  });

  it('binds only under its data folder, or host paths it declares', () => {
    const app = appById(id);
    const { spec, dataDir } = install(app);
    const binds = spec.HostConfig.Binds ?? [];
    expect(binds).toHaveLength(app.volumes.length);
    for (const bind of binds) {
      const [source, target, mode, ...rest] = bind.split(':');
      expect(rest).toEqual([]);
      expect([undefined, 'ro']).toContain(mode);
      expect(app.volumes.some((v) => v.containerPath === target)).toBe(true);
      const declaredHostPath = app.hostAccess.hostPaths.some((h) => isUnder(source, h.path));
      const declaredSocket = app.hostAccess.dockerSocket && DOCKER_SOCKET_PATHS.has(source);
      if (!declaredHostPath && !declaredSocket) expect(isUnder(source, dataDir)).toBe(true);
      expect(source).not.toContain(DATA_ROOT);
    }
    expect(isUnder(dataDir, APPS_ROOT)).toBe(true);
  });

  it('has host privileges only as declared', () => {
    const app = appById(id);
    const { spec } = install(app);
    expect(spec.HostConfig.Privileged === true).toBe(app.hostAccess.privileged);
    expect(spec.HostConfig.NetworkMode === 'host').toBe(app.hostAccess.hostNetwork);
    if (spec.HostConfig.NetworkMode !== undefined) expect(spec.HostConfig.NetworkMode).toBe('host');
    // Installed with its defaults: only the non-optional capabilities.
    const mandatory = app.hostAccess.capabilities.filter((c) => !c.optional).map((c) => c.name);
    expect(spec.HostConfig.CapAdd ?? []).toEqual(mandatory);
    const socketBinds = (spec.HostConfig.Binds ?? []).filter((b) => DOCKER_SOCKET_PATHS.has(b.split(':')[0]));
    expect(socketBinds.length > 0).toBe(app.hostAccess.dockerSocket);
  });

  it('publishes every port the app needs on its default host port', () => {
    const app = appById(id);
    const { spec } = install(app);
    const bindings = spec.HostConfig.PortBindings as Record<string, Array<{ HostPort: string }>> | undefined;
    if (app.hostAccess.hostNetwork) {
      expect(bindings).toBeUndefined();
      expect(spec.ExposedPorts).toBeUndefined();
      return;
    }
    for (const port of app.ports) {
      const key = `${port.container}/${port.protocol}`;
      if (!port.optional) expect(bindings?.[key]).toEqual([{ HostPort: String(port.host) }]);
      if (bindings?.[key]) expect(spec.ExposedPorts).toHaveProperty([key]);
    }
  });

  it('sets every default and generated value, and lists generated and secret ones as secret', () => {
    const app = appById(id);
    const { spec, resolved } = install(app);
    for (const v of app.env) {
      if (v.default !== undefined) expect(spec.Env).toContain(`${v.name}=${v.default}`);
      if (v.generate) expect(spec.Env).toContain(`${v.name}=generated-${v.generate}`);
      if (v.generate) expect(resolved.secretNames).toContain(v.name);
    }
    for (const name of resolved.secretNames) expect(app.env.find((v) => v.name === name)?.secret).toBe(true);
  });

  it('lets a non-admin install it exactly when the definition allows', () => {
    const app = appById(id);
    const r = resolveInstallRequest(app, defaultRequest(app), { isAdmin: false, generate: fakeGenerate });
    expect(r.ok).toBe(!app.security.requiresAdmin);
    if (!r.ok) expect(r.forbidden).toBe(true);
  });
});
