import type { AppDefinition } from '../catalog';
import { buildContainerSpec, containerNameFor, dataDirFor, LOG_CONFIG, type ContainerSpecInput } from './container-spec';
import { resolveInstallRequest, type ResolvedInstall } from './install-settings';
import { appOf, fakeGenerate } from './test-fixtures';

const ID = '3f2a1c9e-0b7d-4c1a-9e55-6a0f1d2c3b4a';
const DATA_DIR = '/srv/tomo/apps/tomo-demo-3f2a1c';

function resolve(app: AppDefinition, request: Partial<Parameters<typeof resolveInstallRequest>[1]> = {}): ResolvedInstall {
  const r = resolveInstallRequest(app, { appId: app.id, ...request }, { isAdmin: true, generate: fakeGenerate });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

function specOf(app: AppDefinition, extra: Partial<ContainerSpecInput> = {}) {
  return buildContainerSpec({ app, resolved: resolve(app), installationId: ID, serverId: 'server-1', containerName: 'tomo-demo-3f2a1c', dataDir: DATA_DIR, ...extra });
}

describe('containerNameFor', () => {
  it('is tomo-<app id>-<first 6 hex digits of the installation id>', () => {
    expect(containerNameFor('uptime-kuma', ID)).toBe('tomo-uptime-kuma-3f2a1c');
    expect(containerNameFor('a', '3F2A-1C9E-0000')).toBe('tomo-a-3f2a1c');
  });

  it('stays within 63 characters, cutting a long app id without leaving a dangling "-"', () => {
    const long = `${'a'.repeat(50)}-bcdefghijklm`;
    const name = containerNameFor(long, ID);
    expect(name).toBe(`tomo-${'a'.repeat(50)}-3f2a1c`);
    expect(name.length).toBeLessThanOrEqual(63);
    const max = containerNameFor('a'.repeat(64), ID);
    expect(max).toHaveLength(63);
    expect(max).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
  });

  it.each(['', 'Uptime', 'a_b', '../x', 'a--b', '-a'])('refuses the app id %p', (appId) => {
    expect(() => containerNameFor(appId, ID)).toThrow('not an app id');
  });

  it.each(['', '3f2a1', 'xyzxyzxyz', '3f2a1g00'])('refuses the installation id %p', (id) => {
    expect(() => containerNameFor('demo', id)).toThrow('does not start with 6 hex digits');
  });
});

describe('dataDirFor', () => {
  it('puts the data folder under the data root, normalised', () => {
    expect(dataDirFor('/srv/tomo/apps', 'tomo-demo-3f2a1c')).toBe('/srv/tomo/apps/tomo-demo-3f2a1c');
    expect(dataDirFor('/srv//tomo/apps/', 'tomo-demo-3f2a1c')).toBe('/srv/tomo/apps/tomo-demo-3f2a1c');
    expect(dataDirFor('/srv/x/../tomo', 'tomo-demo-3f2a1c')).toBe('/srv/tomo/tomo-demo-3f2a1c');
  });

  it.each(['', 'apps', './apps', 'srv/tomo'])('refuses the relative data root %p', (root) => {
    expect(() => dataDirFor(root, 'tomo-demo-3f2a1c')).toThrow('must be an absolute path');
  });

  it.each(['/', '//', '/./', '/srv/..'])('refuses %p as data root', (root) => {
    expect(() => dataDirFor(root, 'tomo-demo-3f2a1c')).toThrow('must not be "/"');
  });

  it.each(['/srv/a:b', '/srv/a\nb'])('refuses the data root %p (not expressible in a bind)', (root) => {
    expect(() => dataDirFor(root, 'tomo-demo-3f2a1c')).toThrow('must not contain ":"');
  });

  it.each(['', '..', '.', 'a/b', '../etc', '-x', 'a'.repeat(64)])('refuses %p as container name', (name) => {
    expect(() => dataDirFor('/srv/tomo', name)).toThrow('not a container name');
  });
});

describe('buildContainerSpec', () => {
  it('names the container, runs exactly the image and labels it as Tomo\'s', () => {
    const spec = specOf(appOf({ image: 'ghcr.io/owner/app:1.2@sha256:' + 'a'.repeat(64), version: '1.2' }));
    expect(spec.name).toBe('tomo-demo-3f2a1c');
    expect(spec.Image).toBe('ghcr.io/owner/app:1.2@sha256:' + 'a'.repeat(64));
    expect(spec.Labels).toEqual({
      'io.tomo.managed': 'true',
      'io.tomo.installation': ID,
      'io.tomo.app': 'demo',
      'io.tomo.server': 'server-1',
      'io.tomo.app-version': '1.2',
    });
    expect(specOf(appOf()).Labels).not.toHaveProperty(['io.tomo.app-version']);
  });

  it('passes the environment as NAME=value, in definition order, verbatim', () => {
    const app = appOf({ env: ['B=2', { name: 'A', generate: 'hex' }, 'C=', { name: 'D' }, 'E=x=y'] });
    const resolved = resolve(app, { settings: { D: ' $(id) ' } });
    expect(buildContainerSpec({ app, resolved, installationId: ID, serverId: 's', containerName: 'n', dataDir: DATA_DIR }).Env).toEqual([
      'B=2',
      'A=generated-hex',
      'C=',
      'D= $(id) ',
      'E=x=y',
    ]);
  });

  it('publishes the resolved ports (ExposedPorts and PortBindings)', () => {
    const app = appOf({ ports: ['8080:80', '53:53/udp', { container: 443, optional: true }] });
    const spec = buildContainerSpec({
      app,
      resolved: resolve(app, { ports: { '80/tcp': 9090, '443/tcp': null } }),
      installationId: ID,
      serverId: 's',
      containerName: 'n',
      dataDir: DATA_DIR,
    });
    expect(spec.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(spec.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostPort: '9090' }], '53/udp': [{ HostPort: '53' }] });
    expect(spec.HostConfig.NetworkMode).toBeUndefined();
  });

  it('publishes nothing without ports', () => {
    const spec = specOf(appOf());
    expect(spec).not.toHaveProperty('ExposedPorts');
    expect(spec.HostConfig).not.toHaveProperty('PortBindings');
    expect(spec.HostConfig).not.toHaveProperty('Binds');
  });

  it('with host networking: NetworkMode host, no published ports', () => {
    const spec = specOf(appOf({ ports: ['8123'], hostAccess: { hostNetwork: true } }));
    expect(spec.HostConfig.NetworkMode).toBe('host');
    expect(spec).not.toHaveProperty('ExposedPorts');
    expect(spec.HostConfig).not.toHaveProperty('PortBindings');
  });

  it('binds data volumes under the data folder and host volumes as declared', () => {
    const app = appOf({
      volumes: [
        'config:/config',
        { host: 'media/music', container: '/music', readOnly: true },
        { host: '${DATA_ROOT}', container: '/all' },
        '/data',
        '/srv/media:/media:ro',
        '/var/run/docker.sock:/var/run/docker.sock',
      ],
      hostAccess: { dockerSocket: true, hostPaths: ['/srv/media'] },
    });
    expect(specOf(app).HostConfig.Binds).toEqual([
      `${DATA_DIR}/config:/config`,
      `${DATA_DIR}/media/music:/music:ro`,
      `${DATA_DIR}:/all`,
      `${DATA_DIR}/data:/data`,
      '/srv/media:/media:ro',
      '/var/run/docker.sock:/var/run/docker.sock',
    ]);
  });

  it('refuses a ":" in a bind path (the bind syntax would read it as a separator)', () => {
    // The definition schema refuses it in volume paths too; the data folder is checked here.
    expect(() => specOf(appOf({ volumes: ['data:/x'] }), { dataDir: '/srv/a:b' })).toThrow('contains ":"');
  });

  it('refuses a data folder that is not a normalised absolute path, or is "/"', () => {
    const app = appOf({ volumes: ['data:/x'] });
    for (const dataDir of ['', 'srv/x', '/srv/../x', '/srv/x/', '/']) {
      expect(() => specOf(app, { dataDir })).toThrow('the data folder must be');
    }
  });

  it('refuses a data volume that would leave the data folder (defence in depth)', () => {
    const app = appOf({ volumes: ['data:/x'] });
    // A definition the schema would refuse, forged past it.
    const forged = { ...app, volumes: [{ kind: 'data', subPath: '../escape', containerPath: '/x', readOnly: false }] } as AppDefinition;
    expect(() => specOf(forged, { resolved: resolve(app) })).toThrow('leaves the data folder');
  });

  it('adds privileges only as declared', () => {
    const plain = specOf(appOf());
    expect(plain.HostConfig).not.toHaveProperty('Privileged');
    expect(plain.HostConfig).not.toHaveProperty('CapAdd');
    expect(plain.HostConfig).not.toHaveProperty('NetworkMode');
    expect(specOf(appOf({ hostAccess: { privileged: true } })).HostConfig.Privileged).toBe(true);
  });

  it('adds the resolved capabilities', () => {
    const app = appOf({ hostAccess: { capabilities: ['SYS_TIME', { name: 'NET_ADMIN', optional: true }] } });
    expect(specOf(app).HostConfig.CapAdd).toEqual(['SYS_TIME']);
    const resolved = resolve(app, { capabilities: ['NET_ADMIN'] });
    expect(buildContainerSpec({ app, resolved, installationId: ID, serverId: 's', containerName: 'n', dataDir: DATA_DIR }).HostConfig.CapAdd).toEqual(['SYS_TIME', 'NET_ADMIN']);
  });

  it.each([
    ['unless-stopped', { Name: 'unless-stopped' }],
    ['always', { Name: 'always' }],
    ['no', { Name: 'no' }],
    ['on-failure', { Name: 'on-failure', MaximumRetryCount: 5 }],
  ])('restart %s', (restart, policy) => {
    expect(specOf(appOf({ restart })).HostConfig.RestartPolicy).toEqual(policy);
  });

  it('rotates the logs (json-file, 10 MB, 3 files) so an app cannot fill the disk', () => {
    const spec = specOf(appOf());
    expect(spec.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
    // A copy: changing one spec's log config changes no other.
    expect(spec.HostConfig.LogConfig?.Config).not.toBe(LOG_CONFIG.Config);
  });

  it('is plain JSON (what the Engine API receives)', () => {
    const spec = specOf(appOf({ ports: ['80'], volumes: ['data:/d'], env: ['A=1'] }));
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });
});
