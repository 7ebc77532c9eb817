import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DEFINITION_FILE, loadYamlCatalog, servicesOf, type AppDefinition, type CatalogLoadResult } from '../catalog';
import { BUILTIN_CATALOG } from '../catalog/test-fixtures';
import { buildComposeProject, type ComposeProject } from './compose-file';
import { buildContainerSpec, containerNameFor, dataDirFor } from './container-spec';
import { resolveInstallRequest } from './install-settings';
import { fakeGenerate } from './test-fixtures';

/*
 * The Compose file every curated app would get, installed with its defaults. The snapshot file next
 * to this test is the reviewed record of those files: a change to the generator or to a definition
 * that alters one shows up there in review. The checks below hold for any definition, so they also
 * catch a wrong snapshot accepted with `-u`. (compose-config.test.ts has Docker Compose read them.)
 */

const INSTALLATION_ID = '3f2a1c9e-0b7d-4c1a-9e55-6a0f1d2c3b4a';
const SERVER_ID = '7d0e6b1a-5c4f-4e2b-8a9d-1f3e5c7a9b0d';
const APPS_ROOT = '/srv/tomo/apps';

const FILES = fs.readdirSync(BUILTIN_CATALOG).filter((f) => DEFINITION_FILE.test(f)).sort();
const IDS = FILES.map((f) => path.basename(f, path.extname(f)));
/** The single-container apps (a file without `services:`). */
const SINGLE_IDS = FILES.filter((f) => !/^services:/m.test(fs.readFileSync(path.join(BUILTIN_CATALOG, f), 'utf8'))).map((f) => path.basename(f, path.extname(f)));

let catalog: CatalogLoadResult;
beforeAll(async () => {
  catalog = await loadYamlCatalog(BUILTIN_CATALOG, { strictHostPaths: true });
});

function appById(id: string): AppDefinition {
  const loaded = catalog.apps.find((a) => a.definition.id === id);
  if (!loaded) throw new Error(`${id} is not in the built-in catalog`);
  return loaded.definition;
}

/** Installed with the defaults; required settings get a placeholder (they have no default). */
export function curatedProject(app: AppDefinition): { project: ComposeProject; dataDir: string; secrets: string[] } {
  const settings = Object.fromEntries(app.env.filter((e) => e.required).map((e) => [e.name, `value-of-${e.name}`]));
  const r = resolveInstallRequest(app, { appId: app.id, settings }, { isAdmin: true, generate: fakeGenerate });
  if (!r.ok) throw new Error(`${app.id}: ${JSON.stringify(r.errors)}`);
  const dataDir = dataDirFor(APPS_ROOT, containerNameFor(app.id, INSTALLATION_ID));
  const project = buildComposeProject({ app, resolved: r.value, installationId: INSTALLATION_ID, serverId: SERVER_ID, dataDir });
  return { project, dataDir, secrets: r.value.secretNames.map((n) => r.value.env[n]).filter((v) => v !== undefined) };
}

const isUnder = (p: string, root: string) => p === root || p.startsWith(`${root}/`);

/** Every key a Tomo service may have: a new one must be added here on purpose. */
const SERVICE_KEYS = ['image', 'command', 'environment', 'ports', 'volumes', 'healthcheck', 'depends_on', 'restart', 'labels', 'logging', 'privileged', 'cap_add', 'network_mode'];

it('the built-in catalog loads without errors or warnings in strict mode, one app per file', () => {
  expect(catalog.errors).toEqual([]);
  expect(catalog.warnings).toEqual([]);
  expect(catalog.apps.map((a) => a.definition.id).sort()).toEqual([...IDS].sort());
});

describe.each(IDS)('%s', (id) => {
  it('generates exactly the snapshotted Compose file', () => {
    expect(curatedProject(appById(id)).project.yaml).toMatchSnapshot();
  });

  it('runs the images of its definition, each service labelled as Tomo\'s, mounting only its data folder or declared paths', () => {
    const app = appById(id);
    const { project, dataDir } = curatedProject(app);
    const file = YAML.parse(project.yaml) as { name: string; services: Record<string, Record<string, unknown>> };
    expect(file.name).toBe(project.projectName);
    const services = servicesOf(app);
    expect(Object.keys(file.services)).toEqual(services.map((s) => s.name));
    for (const s of services) {
      const out = file.services[s.name];
      expect(out.image).toBe(s.image);
      expect(Object.keys(out).filter((k) => !SERVICE_KEYS.includes(k))).toEqual([]);
      expect(out.labels).toMatchObject({ 'io.tomo.managed': 'true', 'io.tomo.app': app.id, 'io.tomo.installation': INSTALLATION_ID, 'io.tomo.server': SERVER_ID });
      expect(out.privileged === true).toBe(s.privileged);
      expect(out.network_mode === 'host').toBe(s.hostNetwork);
      for (const v of (out.volumes ?? []) as Array<{ type: string; source: string }>) {
        if (v.type === 'volume') expect(app.namedVolumes?.map((n) => n.name)).toContain(v.source);
        else expect(isUnder(v.source, dataDir) || app.hostAccess.hostPaths.some((h) => isUnder(v.source, h.path)) || (app.hostAccess.dockerSocket && v.source.endsWith('docker.sock'))).toBe(true);
      }
    }
  });

  it('holds secrets exactly when a secret value is in it, and says so', () => {
    const { project, secrets } = curatedProject(appById(id));
    const present = secrets.filter((s) => project.yaml.includes(s));
    expect(project.holdsSecrets).toBe(present.length > 0);
  });
});

/*
 * A single-container app runs, as a one-service Compose project, exactly what its container ran
 * when Tomo created it through the Engine API: same image, environment, labels, restart policy,
 * published ports, binds, capabilities and host access.
 */
describe.each(SINGLE_IDS)('%s (single container)', (id) => {
  it('its one service matches the container the Engine API path creates', () => {
    const app = appById(id);
    expect(app.services).toBeUndefined();
    const { project, dataDir } = curatedProject(app);
    const settings = Object.fromEntries(app.env.filter((e) => e.required).map((e) => [e.name, `value-of-${e.name}`]));
    const r = resolveInstallRequest(app, { appId: app.id, settings }, { isAdmin: true, generate: fakeGenerate });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const spec = buildContainerSpec({ app, resolved: r.value, installationId: INSTALLATION_ID, serverId: SERVER_ID, containerName: containerNameFor(app.id, INSTALLATION_ID), dataDir });
    const service = (YAML.parse(project.yaml) as { services: Record<string, Record<string, unknown>> }).services.app;
    const unescape = (v: string) => v.replaceAll('$$', '$');
    expect(Object.entries((service.environment ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${unescape(v)}`)).toEqual(spec.Env);
    expect(service.image).toBe(spec.Image);
    expect(service.labels).toEqual(spec.Labels);
    expect(service.restart).toBe(spec.HostConfig.RestartPolicy?.Name === 'on-failure' ? 'on-failure:5' : spec.HostConfig.RestartPolicy?.Name);
    expect(service.cap_add).toEqual(spec.HostConfig.CapAdd);
    expect(service.privileged).toEqual(spec.HostConfig.Privileged);
    expect(service.network_mode).toEqual(spec.HostConfig.NetworkMode);
    const ports = ((service.ports ?? []) as Array<{ target: number; published: string; protocol: string }>).map((p) => [`${p.target}/${p.protocol}`, [{ HostPort: p.published }]]);
    expect(ports.length > 0 ? Object.fromEntries(ports) : undefined).toEqual(spec.HostConfig.PortBindings);
    const binds = ((service.volumes ?? []) as Array<{ source: string; target: string; read_only?: boolean }>).map((v) => `${v.source}:${v.target}${v.read_only ? ':ro' : ''}`);
    expect(binds.length > 0 ? binds : undefined).toEqual(spec.HostConfig.Binds);
  });
});
