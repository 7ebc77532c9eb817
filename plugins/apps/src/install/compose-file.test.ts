import YAML from 'yaml';
import { parseAppDefinition, type AppDefinition } from '../catalog';
import { validDefinition } from '../catalog/test-fixtures';
import { buildComposeProject, composeProjectName, type ComposeProject } from './compose-file';
import { buildContainerSpec, containerNameFor, dataDirFor } from './container-spec';
import { resolveInstallRequest, type ResolvedInstall } from './install-settings';
import { appOf, fakeGenerate, HOSTILE_VALUES } from './test-fixtures';

/*
 * The Compose file generator on its own: structure, labels, and the escaping that makes every value
 * reach the container verbatim. (compose-config.test.ts has Docker Compose itself read the files.)
 */

const INSTALLATION_ID = '3f2a1c9e-0b7d-4c1a-9e55-6a0f1d2c3b4a';
const SERVER_ID = '7d0e6b1a-5c4f-4e2b-8a9d-1f3e5c7a9b0d';


function multiApp(): AppDefinition {
  const { image: _image, ...base } = validDefinition({ id: 'stack' });
  const r = parseAppDefinition(
    {
      ...base,
      settings: [{ name: 'DB_PASSWORD', generate: 'password' }, { name: 'VALUE' }, { name: 'OTHER', default: 'other' }],
      namedVolumes: ['cache'],
      services: {
        web: {
          image: 'nginx:1.27',
          command: ['nginx', '-g', 'daemon off; $x'],
          ports: ['8080:80', { container: 9000, optional: true }],
          volumes: ['html:/usr/share/nginx/html:ro', { volume: 'cache', container: '/cache' }],
          env: { URL: 'postgres://app:{{DB_PASSWORD}}@db/app', VALUE: '{{VALUE}}', FIXED: 'cost: $5' },
          dependsOn: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } },
        },
        db: {
          image: 'postgres:17.2',
          env: { POSTGRES_PASSWORD: '{{DB_PASSWORD}}', OTHER: '{{OTHER}}' },
          volumes: ['db:/var/lib/postgresql/data'],
          healthcheck: { test: 'pg_isready -U "$POSTGRES_USER"', interval: '10s', timeout: '5s', retries: 5, startPeriod: '30s' },
          restart: 'on-failure',
        },
        cache: { image: 'redis:7.4' },
      },
    },
    'stack.yaml',
  );
  if (!r.app) throw new Error(JSON.stringify(r.errors));
  return r.app;
}

function resolve(app: AppDefinition, settings: Record<string, string> = {}, extra: Record<string, unknown> = {}): ResolvedInstall {
  const r = resolveInstallRequest(app, { appId: app.id, settings, ...extra }, { isAdmin: true, generate: fakeGenerate });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const dataDir = (app: AppDefinition) => dataDirFor('/srv/tomo/apps', containerNameFor(app.id, INSTALLATION_ID));

function build(app: AppDefinition, resolved = resolve(app)): ComposeProject {
  return buildComposeProject({ app, resolved, installationId: INSTALLATION_ID, serverId: SERVER_ID, dataDir: dataDir(app) });
}

type ComposeFile = { name: string; services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown> };
const parse = (p: ComposeProject) => YAML.parse(p.yaml) as ComposeFile;
/** What Compose makes of a string of the file after interpolation, when it holds no variable: `$$` is one `$`. */
const interpolated = (s: string) => s.replaceAll('$$', '$');

describe('the project', () => {
  it('is named after the installation, as its container and data folder were, valid for Compose', () => {
    const app = multiApp();
    const project = build(app);
    expect(project.projectName).toBe('tomo-stack-3f2a1c');
    expect(project.projectName).toBe(composeProjectName('stack', INSTALLATION_ID));
    expect(project.projectName).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
    expect(parse(project).name).toBe(project.projectName);
    expect(dataDir(app).endsWith(`/${project.projectName}`)).toBe(true);
  });

  it('lists its services with the host ports each publishes', () => {
    const app = multiApp();
    expect(build(app, resolve(app, {}, { ports: { '9000/tcp': 9001 } })).services).toEqual([
      { name: 'web', ports: [{ container: 80, host: 8080, protocol: 'tcp' }, { container: 9000, host: 9001, protocol: 'tcp' }] },
      { name: 'db', ports: [] },
      { name: 'cache', ports: [] },
    ]);
  });

  it('every service carries Tomo\'s labels, and so do named volumes', () => {
    const app = multiApp();
    const file = parse(build(app));
    const labels = { 'io.tomo.managed': 'true', 'io.tomo.installation': INSTALLATION_ID, 'io.tomo.app': 'stack', 'io.tomo.server': SERVER_ID };
    for (const service of Object.values(file.services)) expect(service.labels).toEqual(labels);
    expect(file.volumes).toEqual({ cache: { labels } });
  });

  it('passes healthchecks, dependencies, restart policy, mounts and logging through', () => {
    const app = multiApp();
    const file = parse(build(app));
    const dir = dataDir(app);
    expect(file.services.db.healthcheck).toEqual({ test: ['CMD-SHELL', 'pg_isready -U "$$POSTGRES_USER"'], interval: '10s', timeout: '5s', retries: 5, start_period: '30s' });
    expect(file.services.db.restart).toBe('on-failure:5');
    expect(file.services.web.depends_on).toEqual({ db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } });
    expect(file.services.web.command).toEqual(['nginx', '-g', 'daemon off; $$x']);
    expect(file.services.web.ports).toEqual([{ target: 80, published: '8080', protocol: 'tcp' }]);
    expect(file.services.web.volumes).toEqual([
      { type: 'bind', source: `${dir}/html`, target: '/usr/share/nginx/html', read_only: true, bind: { create_host_path: true } },
      { type: 'volume', source: 'cache', target: '/cache' },
    ]);
    expect(file.services.cache).toEqual({
      image: 'redis:7.4',
      restart: 'unless-stopped',
      labels: expect.any(Object),
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
    });
    // One private network per app: Compose's default network of the project, nothing else.
    for (const service of Object.values(file.services)) {
      expect(service).not.toHaveProperty('network_mode');
      expect(service).not.toHaveProperty('networks');
    }
  });

  it('shares a setting between services: one generated password in the app and its database', () => {
    const app = multiApp();
    const file = parse(build(app));
    expect(file.services.web.environment).toMatchObject({ URL: 'postgres://app:generated-password@db/app' });
    expect(file.services.db.environment).toMatchObject({ POSTGRES_PASSWORD: 'generated-password' });
  });

  it('leaves out a variable whose setting has no value, and says whether the file holds a secret', () => {
    const app = multiApp();
    const project = build(app);
    expect(parse(project).services.web.environment).toEqual({ URL: 'postgres://app:generated-password@db/app', FIXED: 'cost: $$5' });
    expect(project.holdsSecrets).toBe(true);
    const plain = appOf({ env: ['A=1', { name: 'S', secret: true }] });
    expect(build(plain).holdsSecrets).toBe(false);
    expect(build(plain, resolve(plain, { S: 'x' })).holdsSecrets).toBe(true);
  });

  it('refuses a data folder that is not a normalised absolute path', () => {
    const app = multiApp();
    for (const bad of ['relative', '/srv/../etc', '/', '/srv/x/']) {
      expect(() => buildComposeProject({ app, resolved: resolve(app), installationId: INSTALLATION_ID, serverId: SERVER_ID, dataDir: bad })).toThrow(/data folder/);
    }
  });
});

describe('values reach the container verbatim', () => {
  it.each(HOSTILE_VALUES)('%j', (value) => {
    const app = multiApp();
    const project = build(app, resolve(app, { VALUE: value }));
    const file = parse(project);
    // Still the same structure: the value did not add a key or a service.
    expect(Object.keys(file)).toEqual(['name', 'services', 'volumes']);
    expect(Object.keys(file.services)).toEqual(['web', 'db', 'cache']);
    expect(Object.keys(file.services.web.environment as object)).toEqual(['URL', 'VALUE', 'FIXED']);
    const written = (file.services.web.environment as Record<string, string>).VALUE;
    // Every "$" is escaped: runs of "$" are all of even length.
    for (const run of written.match(/\$+/g) ?? []) expect(run.length % 2).toBe(0);
    expect(interpolated(written)).toBe(value);
  });

  it('a setting value holding {{NAME}} is not expanded again', () => {
    const app = multiApp();
    const file = parse(build(app, resolve(app, { VALUE: '{{DB_PASSWORD}}' })));
    expect((file.services.web.environment as Record<string, string>).VALUE).toBe('{{DB_PASSWORD}}');
  });

  it('every scalar string of the file is double-quoted, so none is read as a number, a boolean or null', () => {
    const app = appOf({ env: ['A=yes', 'B=0755', 'C=null', 'D=1e3'] });
    const project = build(app);
    expect(parse(project).services.app.environment).toEqual({ A: 'yes', B: '0755', C: 'null', D: '1e3' });
    expect(project.yaml).toContain('A: "yes"');
  });
});

describe('a single-container app', () => {
  it('is a project of one service that runs what its container did', () => {
    const app = appOf({
      ports: ['8080:80', '53:53/udp'],
      volumes: ['data:/data', '/srv/media:/media:ro'],
      env: ['A=1', { name: 'B', generate: 'hex' }, { C: null }],
      hostAccess: { capabilities: ['NET_ADMIN', { name: 'SYS_TIME', optional: true }], hostPaths: ['/srv/media'], privileged: true },
      restart: 'always',
    });
    const resolved = resolve(app, {}, { capabilities: [] });
    const spec = buildContainerSpec({ app, resolved, installationId: INSTALLATION_ID, serverId: SERVER_ID, containerName: containerNameFor(app.id, INSTALLATION_ID), dataDir: dataDir(app) });
    const file = parse(build(app, resolved));
    expect(Object.keys(file.services)).toEqual(['app']);
    const service = file.services.app;
    expect(service.image).toBe(spec.Image);
    expect(Object.entries(service.environment as object).map(([k, v]) => `${k}=${v}`)).toEqual(spec.Env);
    expect(service.labels).toEqual(spec.Labels);
    expect(service.restart).toBe(spec.HostConfig.RestartPolicy?.Name);
    expect(service.privileged).toBe(true);
    expect(service.cap_add).toEqual(spec.HostConfig.CapAdd);
    const ports = (service.ports as Array<{ target: number; published: string; protocol: string }>).map((p) => [`${p.target}/${p.protocol}`, p.published]);
    expect(Object.fromEntries(ports)).toEqual(Object.fromEntries(Object.entries(spec.HostConfig.PortBindings as Record<string, Array<{ HostPort: string }>>).map(([k, v]) => [k, v[0].HostPort])));
    const binds = (service.volumes as Array<{ source: string; target: string; read_only?: boolean }>).map((v) => `${v.source}:${v.target}${v.read_only ? ':ro' : ''}`);
    expect(binds).toEqual(spec.HostConfig.Binds);
  });

  it('with host networking publishes nothing and shares the host network; an opted-in capability is added', () => {
    const app = appOf({ ports: ['80:80'], hostAccess: { hostNetwork: true, capabilities: [{ name: 'NET_ADMIN', optional: true }] } });
    const service = parse(build(app, resolve(app, {}, { capabilities: ['NET_ADMIN'] }))).services.app;
    expect(service.network_mode).toBe('host');
    expect(service).not.toHaveProperty('ports');
    expect(service.cap_add).toEqual(['NET_ADMIN']);
    expect(parse(build(app)).services.app).not.toHaveProperty('cap_add');
  });
});
