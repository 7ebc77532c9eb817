import { parseAppDefinition, requiresAdminFor, type AppDefinition } from './definition-schema';
import { parseYamlDefinition } from './load-yaml-catalog';
import { servicesOf } from './services-of';
import { validDefinition } from './test-fixtures';

/*
 * The multi-service format (docs/catalog-format.md, "Multi-service apps"): what it loads into, and
 * every rule across its fields, each with the field it names.
 */

/** A web app on a database with a healthcheck, sharing a generated password. */
const TWO_TIER = [
  'id: two-tier',
  'name: Two tier',
  'description: A web app and its database',
  'category: testing',
  'settings:',
  '  - name: DB_PASSWORD',
  '    generate: password',
  '  - name: TITLE',
  '    default: Hello',
  '  - name: OPTIONAL_TOKEN',
  'services:',
  '  web:',
  '    image: nginx:1.27',
  '    ports: ["8080:80"]',
  '    volumes: ["html:/usr/share/nginx/html:ro"]',
  '    env:',
  '      DATABASE_URL: postgres://app:{{DB_PASSWORD}}@db:5432/app',
  '      TITLE: "{{TITLE}}"',
  '      TOKEN: "{{OPTIONAL_TOKEN}}"',
  '      FIXED: "1"',
  '    dependsOn:',
  '      db: { condition: service_healthy }',
  '  db:',
  '    image: postgres:17.2',
  '    command: [postgres, -c, max_connections=50]',
  '    env:',
  '      - POSTGRES_PASSWORD={{DB_PASSWORD}}',
  '    volumes: ["db:/var/lib/postgresql/data"]',
  '    healthcheck:',
  '      test: pg_isready -U "$POSTGRES_USER"',
  '      interval: 10s',
  '      retries: 5',
  'healthcheck:',
  '  http: /',
].join('\n');

function multi(services: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const { image: _image, ...base } = validDefinition();
  return parseAppDefinition({ ...base, services, ...extra }, 'app.yaml');
}

function loaded(text: string): AppDefinition {
  const r = parseYamlDefinition(text, 'two-tier.yaml');
  expect(r.errors).toEqual([]);
  expect(r.warnings).toEqual([]);
  return r.app!;
}

describe('a multi-service app', () => {
  it('loads into services, with the settings as the app env and every port and mount naming its service', () => {
    const app = loaded(TWO_TIER);
    expect(app.image).toBe('nginx:1.27');
    expect(app.env.map((e) => [e.name, e.secret])).toEqual([['DB_PASSWORD', true], ['TITLE', false], ['OPTIONAL_TOKEN', false]]);
    expect(app.ports).toEqual([{ service: 'web', container: 80, host: 8080, protocol: 'tcp', optional: false }]);
    expect(app.volumes).toEqual([
      { kind: 'data', service: 'web', subPath: 'html', containerPath: '/usr/share/nginx/html', readOnly: true },
      { kind: 'data', service: 'db', subPath: 'db', containerPath: '/var/lib/postgresql/data', readOnly: false },
    ]);
    expect(app.services).toEqual([
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: app.ports,
        volumes: [app.volumes[0]],
        env: [
          { name: 'DATABASE_URL', value: 'postgres://app:{{DB_PASSWORD}}@db:5432/app' },
          { name: 'TITLE', value: '{{TITLE}}' },
          { name: 'TOKEN', value: '{{OPTIONAL_TOKEN}}' },
          { name: 'FIXED', value: '1' },
        ],
        dependsOn: [{ service: 'db', condition: 'service_healthy' }],
        restart: 'unless-stopped',
        privileged: false,
        hostNetwork: false,
        capabilities: [],
      },
      {
        name: 'db',
        image: 'postgres:17.2',
        command: ['postgres', '-c', 'max_connections=50'],
        ports: [],
        volumes: [app.volumes[1]],
        env: [{ name: 'POSTGRES_PASSWORD', value: '{{DB_PASSWORD}}' }],
        healthcheck: { test: ['CMD-SHELL', 'pg_isready -U "$POSTGRES_USER"'], intervalSeconds: 10, timeoutSeconds: 30, retries: 5, startPeriodSeconds: 0 },
        dependsOn: [],
        restart: 'unless-stopped',
        privileged: false,
        hostNetwork: false,
        capabilities: [],
      },
    ]);
    expect(app.security).toEqual({ requiresAdmin: false, warnings: [] });
    expect(servicesOf(app)).toBe(app.services);
    expect(Object.isFrozen(app.services![0].env[0])).toBe(true);
  });

  it('reports an unknown key inside a service with its field and line', () => {
    const r = parseYamlDefinition(TWO_TIER.replace('    command:', '    entrypoint: [sh]\n    command:'), 'f.yaml');
    expect(r.errors).toEqual([{ file: 'f.yaml', field: 'services.db.entrypoint', message: expect.stringMatching(/^unknown key "entrypoint"; allowed keys: image, command/), line: 25 }]);
  });

  it('gives the line of a rule across fields (a setting that does not exist)', () => {
    const r = parseYamlDefinition(TWO_TIER.replace('{{TITLE}}', '{{TITEL}}'), 'f.yaml');
    expect(r.errors).toEqual([
      { file: 'f.yaml', field: 'services.web.env.TITLE', message: '{{TITEL}} is not a setting of this app (declare it in settings:)', line: 18 },
      { file: 'f.yaml', field: 'settings.1', message: 'TITLE is not used by any service: give it to one as {{TITLE}} in its env', line: 8 },
    ]);
  });

  it('named volumes are declared, mounted, and shown only in their service', () => {
    const app = multi(
      { db: { image: 'postgres:17', volumes: [{ volume: 'pgdata', container: '/var/lib/postgresql/data', description: 'The database' }] } },
      { namedVolumes: [{ name: 'pgdata', description: 'PostgreSQL files' }] },
    ).app!;
    expect(app.namedVolumes).toEqual([{ name: 'pgdata', description: 'PostgreSQL files' }]);
    expect(app.volumes).toEqual([]);
    expect(app.services![0].volumes).toEqual([{ kind: 'named', service: 'db', volume: 'pgdata', containerPath: '/var/lib/postgresql/data', readOnly: false, description: 'The database' }]);
  });

  it('host access is declared at the top and used by a service; the app is then admin-only', () => {
    const r = multi(
      { agent: { image: 'busybox:1', privileged: true, hostNetwork: true, capabilities: ['cap_net_admin'], volumes: ['/var/run/docker.sock:/var/run/docker.sock', '/srv/media:/media:ro'] }, ui: { image: 'nginx:1' } },
      { hostAccess: { privileged: true, hostNetwork: true, dockerSocket: true, capabilities: [{ name: 'NET_ADMIN', optional: true }], hostPaths: ['/srv/media'] } },
    );
    expect(r.errors).toEqual([]);
    const app = r.app!;
    expect(app.services![0]).toMatchObject({ privileged: true, hostNetwork: true, capabilities: ['NET_ADMIN'] });
    expect(app.services![1]).toMatchObject({ privileged: false, hostNetwork: false, capabilities: [] });
    expect(app.security.requiresAdmin).toBe(true);
    expect(app.security.warnings.map((w) => w.kind)).toEqual(['privileged', 'docker-socket', 'host-network', 'capability', 'host-path']);
    expect(requiresAdminFor(app, ['NET_ADMIN'])).toBe(true);
  });
});

describe('a single-container app is one service', () => {
  it('named "app", with every setting as its variable and the app-level host access', () => {
    const app = parseAppDefinition(
      validDefinition({ ports: ['8080:80'], volumes: ['data:/data'], env: ['A=1', { name: 'B', generate: 'hex' }], hostAccess: { capabilities: ['NET_ADMIN'] } }),
      'app.yaml',
    ).app!;
    expect(app.services).toBeUndefined();
    expect(servicesOf(app)).toEqual([
      {
        name: 'app',
        image: 'nginx:1.27',
        ports: app.ports,
        volumes: app.volumes,
        env: [{ name: 'A', value: '{{A}}' }, { name: 'B', value: '{{B}}' }],
        dependsOn: [],
        restart: 'unless-stopped',
        privileged: false,
        hostNetwork: false,
        capabilities: ['NET_ADMIN'],
      },
    ]);
  });
});

/** Each row: what is wrong, services, top-level extras, the field reported, the message. */
const web = { image: 'nginx:1.27' };
const withHealth = { image: 'postgres:17', healthcheck: { test: ['CMD', 'pg_isready'] } };
const BAD: Array<[string, Record<string, unknown>, Record<string, unknown>, string, RegExp]> = [
  ['image next to services', { web }, { image: 'nginx:1' }, 'image', /belongs in a service/],
  ['top-level env next to services', { web }, { env: ['A=1'] }, 'env', /settings:/],
  ['top-level ports next to services', { web }, { ports: ['80'] }, 'ports', /belongs in a service/],
  ['no service', {}, {}, 'services', /at least one service/],
  ['a service name with capitals', { Web: web }, {}, 'services.Web', /lowercase/],
  ['unknown key in a service', { web: { ...web, depends_on: ['x'] } }, {}, 'services.web.depends_on', /unknown key "depends_on"; allowed keys: .*dependsOn/],
  ['command as a shell line', { web: { ...web, command: 'nginx -g daemon off;' } }, {}, 'services.web.command', /argument vector/],
  ['healthcheck test of another kind', { web: { ...web, healthcheck: { test: ['NONE'] } } }, {}, 'services.web.healthcheck.test.0', /CMD/],
  ['CMD-SHELL with two lines', { web: { ...web, healthcheck: { test: ['CMD-SHELL', 'a', 'b'] } } }, {}, 'services.web.healthcheck.test', /exactly one/],
  ['healthcheck over an hour', { web: { ...web, healthcheck: { test: 'true', interval: '61m' } } }, {}, 'services.web.healthcheck.interval', /at most 60 minutes/],
  ['depends on an unknown service', { web: { ...web, dependsOn: ['db'] } }, {}, 'services.web.dependsOn.db', /not a service of this app/],
  ['depends on itself', { web: { ...web, dependsOn: ['web'] } }, {}, 'services.web.dependsOn.web', /itself/],
  ['waits for health without a healthcheck', { web: { ...web, dependsOn: { db: { condition: 'service_healthy' } } }, db: { image: 'postgres:17' } }, {}, 'services.web.dependsOn.db', /needs a healthcheck on "db"/],
  ['unknown condition', { web: { ...web, dependsOn: { db: { condition: 'service_completed' } } }, db: withHealth }, {}, 'services.web.dependsOn.db.condition', /service_started, service_healthy/],
  ['a dependency circle', { a: { ...web, dependsOn: ['b'] }, b: { ...web, dependsOn: ['a'] } }, {}, 'services.a.dependsOn', /a → b → a/],
  ['unknown setting', { web: { ...web, env: { A: '{{NOPE}}' } } }, {}, 'services.web.env.A', /not a setting/],
  ['unclosed reference', { web: { ...web, env: { A: '{{A' } } }, { settings: ['A=1'] }, 'services.web.env.A', /unclosed/],
  ['reference with spaces', { web: { ...web, env: { A: '{{ A }}' } } }, { settings: ['A=1'] }, 'services.web.env.A', /without spaces/],
  ['unused setting', { web }, { settings: ['A=1'] }, 'settings.0', /not used by any service/],
  ['empty setting inside a longer value', { web: { ...web, env: { URL: 'http://{{HOST}}/' } } }, { settings: [{ HOST: null }] }, 'services.web.env.URL', /must always have a value/],
  ['env name with a dash', { web: { ...web, env: { 'A-B': '1' } } }, {}, 'services.web.env.A-B', /variable name/],
  ['env set twice (list form)', { web: { ...web, env: ['A=1', 'A=2'] } }, {}, 'services.web.env.1', /set twice/],
  ['same container port in two services', { a: { ...web, ports: ['8080:80'] }, b: { ...web, ports: ['8081:80'] } }, {}, 'services.b.ports.0.container', /already listed in services.a.ports.0/],
  ['same host port in two services', { a: { ...web, ports: ['8080:80'] }, b: { ...web, ports: ['8080:81'] } }, {}, 'services.b.ports.0.host', /already published by services.a.ports.0/],
  ['a mount path twice in one service', { web: { ...web, volumes: ['a:/data', 'b:/data'] } }, {}, 'services.web.volumes.1.container', /already mounted by services.web.volumes.0/],
  ['undeclared named volume', { web: { ...web, volumes: [{ volume: 'cache', container: '/c' }] } }, {}, 'services.web.volumes.0.volume', /not declared in namedVolumes/],
  ['unused named volume', { web }, { namedVolumes: ['cache'] }, 'namedVolumes.0', /no service mounts it/],
  ['host and volume in one mount', { web: { ...web, volumes: [{ volume: 'cache', host: 'x', container: '/c' }] } }, { namedVolumes: ['cache'] }, 'services.web.volumes.0.volume', /not both/],
  ['undeclared privileged', { web: { ...web, privileged: true } }, {}, 'services.web.privileged', /hostAccess.privileged: true/],
  ['undeclared host network', { web: { ...web, hostNetwork: true } }, {}, 'services.web.hostNetwork', /hostAccess.hostNetwork: true/],
  ['undeclared capability', { web: { ...web, capabilities: ['NET_ADMIN'] } }, {}, 'services.web.capabilities.0', /declare it in hostAccess.capabilities/],
  ['declared capability no service uses', { web }, { hostAccess: { capabilities: ['NET_ADMIN'] } }, 'hostAccess.capabilities.0', /no service lists it/],
  ['declared privileged no service uses', { web }, { hostAccess: { privileged: true } }, 'hostAccess.privileged', /no service sets privileged/],
  ['undeclared docker socket', { web: { ...web, volumes: ['/var/run/docker.sock:/var/run/docker.sock'] } }, {}, 'services.web.volumes.0.host', /hostAccess.dockerSocket: true/],
  ['a data folder leaving the data root', { web: { ...web, volumes: ['../other:/data'] } }, {}, 'services.web.volumes.0.host', /leaves the app data root/],
  ['a system path', { web: { ...web, volumes: ['/etc:/etc'] } }, {}, 'services.web.volumes.0.host', /may never be mounted/],
  ['host network with another host port', { web: { ...web, hostNetwork: true, ports: ['8080:80'] } }, { hostAccess: { hostNetwork: true } }, 'services.web.ports.0.host', /must equal the container port/],
  ['settings without services', {}, { services: undefined, image: 'nginx:1', settings: ['A=1'] }, 'settings', /only for apps that declare services/],
];

describe('rules of the multi-service format', () => {
  it.each(BAD)('%s', (_label, services, extra, field, message) => {
    const r = multi(services, extra);
    expect(r.app).toBeUndefined();
    expect(r.errors).toContainEqual({ file: 'app.yaml', field, message: expect.stringMatching(message) });
  });

  it('a definition with neither image nor services names the image as missing', () => {
    const { image: _image, ...base } = validDefinition();
    expect(parseAppDefinition(base, 'app.yaml').errors).toEqual([{ file: 'app.yaml', field: 'image', message: expect.stringMatching(/is required.*or declare services:/) }]);
  });
});
