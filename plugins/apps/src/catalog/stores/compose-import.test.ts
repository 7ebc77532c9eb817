import { parseAppDefinition } from '../definition-schema';
import { importComposeApp, type ComposeAppInput } from './compose-import';

const STORE = { id: 'test', format: 'casaos' as const, name: 'Test store', licence: 'MIT' };

function input(compose: unknown, extra: Partial<ComposeAppInput> = {}): ComposeAppInput {
  return {
    store: STORE,
    appId: 'Demo',
    file: '/stores/test/Apps/Demo/docker-compose.yml',
    compose,
    meta: { name: 'Demo', description: 'A demo app.', categories: ['Media'] },
    settings: [],
    variables: {},
    ...extra,
  };
}

/** The imported definition, checked by Tomo's own schema. */
function valid(i: ComposeAppInput) {
  const imported = importComposeApp(i);
  const parsed = parseAppDefinition(imported.definition, i.file);
  expect(parsed.errors).toEqual([]);
  return { imported, app: parsed.app! };
}

test('a two-service app: image, command, ports, env with settings, healthcheck, depends_on, named volume', () => {
  const { imported, app } = valid(
    input(
      {
        services: {
          web: {
            image: 'nginx:1.27',
            command: 'nginx -g "daemon off;"',
            ports: ['8080:80', '5353:53/udp'],
            environment: { GREETING: 'hello ${NAME}', PLAIN: 42, COST: '$$5' },
            volumes: ['/DATA/AppData/$AppID/html:/usr/share/nginx/html:ro', 'cache:/var/cache/nginx'],
            depends_on: { db: { condition: 'service_healthy' } },
            restart: 'always',
          },
          db: {
            image: 'postgres:16',
            environment: ['POSTGRES_PASSWORD=${DB_PASSWORD}'],
            healthcheck: { test: ['CMD', 'pg_isready'], interval: '1m30s', timeout: '5s', retries: 3, start_period: '500ms' },
          },
        },
        volumes: { cache: {} },
      },
      {
        settings: [
          { name: 'NAME', label: 'Your name', default: 'world' },
          { name: 'DB_PASSWORD', label: 'Database password', generate: 'password' },
          { name: 'UNUSED', label: 'Never used' },
        ],
        variables: { AppID: { kind: 'literal', value: 'demo' }, NAME: { kind: 'setting', key: 'NAME' }, DB_PASSWORD: { kind: 'setting', key: 'DB_PASSWORD' } },
        appDataPaths: ['/DATA/AppData/demo'],
      },
    ),
  );
  expect(imported.unavailable).toBeUndefined();
  expect(imported.refusals).toEqual([]);
  expect(app.id).toBe('test-demo');
  expect(app.category).toBe('media');
  expect(app.env.map((s) => s.name)).toEqual(['NAME', 'DB_PASSWORD']);
  const [web, db] = app.services!;
  expect(web.command).toEqual(['nginx', '-g', 'daemon off;']);
  expect(web.ports.map((p) => [p.host, p.container, p.protocol])).toEqual([[8080, 80, 'tcp'], [5353, 53, 'udp']]);
  expect(web.env).toEqual([
    { name: 'GREETING', value: 'hello {{NAME}}' },
    { name: 'PLAIN', value: '42' },
    { name: 'COST', value: '$5' },
  ]);
  expect(web.volumes).toEqual([
    { kind: 'data', service: 'web', subPath: 'html', containerPath: '/usr/share/nginx/html', readOnly: true },
    { kind: 'named', service: 'web', volume: 'cache', containerPath: '/var/cache/nginx', readOnly: false },
  ]);
  expect(web.dependsOn).toEqual([{ service: 'db', condition: 'service_healthy' }]);
  expect(web.restart).toBe('always');
  expect(db.env).toEqual([{ name: 'POSTGRES_PASSWORD', value: '{{DB_PASSWORD}}' }]);
  expect(db.healthcheck).toEqual({ test: ['CMD', 'pg_isready'], intervalSeconds: 90, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 1 });
  expect(app.security.requiresAdmin).toBe(false);
});

test('host paths outside the app folder, the Docker socket, privileged, host network and capabilities become declared host access', () => {
  const { imported, app } = valid(
    input({
      services: {
        agent: {
          image: 'busybox:1.36',
          privileged: true,
          network_mode: 'host',
          cap_add: ['NET_ADMIN', 'CAP_SYS_TIME'],
          ports: ['9000:9000'],
          volumes: ['/var/run/docker.sock:/var/run/docker.sock', '/DATA/Media:/media', '/DATA/Media/Movies:/movies', { type: 'bind', source: '/etc/localtime', target: '/etc/localtime', read_only: true }],
        },
      },
    }),
  );
  expect(imported.unavailable).toBeUndefined();
  expect(app.hostAccess).toMatchObject({ privileged: true, hostNetwork: true, dockerSocket: true });
  expect(app.hostAccess.capabilities.map((c) => c.name)).toEqual(['NET_ADMIN', 'SYS_TIME']);
  // /DATA/Media/Movies is under the declared /DATA/Media: one declaration covers both.
  expect(app.hostAccess.hostPaths.map((p) => [p.path, p.declared])).toEqual([['/DATA/Media', true], ['/etc/localtime', true]]);
  expect(app.security.requiresAdmin).toBe(true);
  expect(app.security.warnings.map((w) => w.kind)).toEqual(expect.arrayContaining(['privileged', 'host-network', 'docker-socket', 'capability', 'host-path']));
});

test('an unmappable or undefined variable makes the app unavailable, naming the variable and the field', () => {
  const imported = importComposeApp(
    input(
      { services: { web: { image: 'nginx:1.27', environment: { URL: 'https://${APP_DOMAIN}', OTHER: '${MISSING}', DEFAULTED: '${UNSET:-fallback}' } } } },
      { variables: { APP_DOMAIN: { kind: 'unmappable', reason: 'Tomo does not give apps a domain name' } } },
    ),
  );
  expect(imported.refusals).toEqual([
    { appId: 'Demo', field: 'services.web.environment.URL', reason: 'variable APP_DOMAIN: Tomo does not give apps a domain name' },
    { appId: 'Demo', field: 'services.web.environment.OTHER', reason: 'variable MISSING is not defined by the store and has no default' },
  ]);
  expect(imported.unavailable).toContain('services.web.environment.URL: variable APP_DOMAIN');
  // Still a valid definition, so the catalog can list it as unavailable.
  const parsed = parseAppDefinition(imported.definition, 'x');
  expect(parsed.errors).toEqual([]);
  expect(parsed.app!.services![0].env).toContainEqual({ name: 'DEFAULTED', value: 'fallback' });
});

test('fields that change how the container runs are refused and make the app unavailable; cosmetic ones are left out', () => {
  const imported = importComposeApp(
    input({
      services: {
        web: {
          image: 'nginx:1.27',
          container_name: 'web',
          labels: { a: 'b' },
          devices: ['/dev/dri:/dev/dri'],
          entrypoint: ['/bin/sh'],
          ports: ['127.0.0.1:8080:80', '7000-7005:7000-7005'],
          volumes: ['/:/host', 'tmp:/tmp'],
          depends_on: { db: { condition: 'service_completed_successfully' } },
        },
        db: { build: './db' },
      },
      volumes: { tmp: { external: true } },
    }),
  );
  expect(imported.refusals.map((r) => r.field)).toEqual([
    'services.web.container_name',
    'services.web.labels',
    'services.web.devices',
    'services.web.entrypoint',
    'services.web.ports.0',
    'services.web.ports.1',
    'services.web.volumes.0',
    'volumes.tmp',
    'services.web.depends_on.db',
    'services.db.build',
  ]);
  const unavailable = imported.unavailable!;
  expect(unavailable).toContain('services.web.devices: device passthrough is not supported');
  expect(unavailable).toContain('services.web.volumes.0: "/" may never be mounted');
  expect(unavailable).not.toContain('container_name');
});

test('a setting used outside an env value takes its default (reported), a store data variable maps to the app folder', () => {
  const { imported, app } = valid(
    input(
      { services: { web: { image: 'nginx:${TAG}', ports: ['${PORT}:80'], volumes: ['${APP_DATA_DIR}/data:/data', './conf:/etc/conf'] } } },
      {
        settings: [{ name: 'PORT', label: 'Port', default: '8088' }],
        variables: { TAG: { kind: 'literal', value: '1.27' }, PORT: { kind: 'setting', key: 'PORT' }, APP_DATA_DIR: { kind: 'appDataDir' } },
      },
    ),
  );
  expect(imported.unavailable).toBeUndefined();
  expect(imported.refusals).toEqual([{ appId: 'Demo', field: 'services.web.ports.0', reason: expect.stringContaining('its default "8088" is used here') }]);
  expect(app.image).toBe('nginx:1.27');
  expect(app.ports[0]).toMatchObject({ host: 8088, container: 80 });
  expect(app.volumes.map((v) => (v.kind === 'data' ? v.subPath : v.kind))).toEqual(['data', 'conf']);
  // Unused settings are left out (Tomo requires every setting to be used).
  expect(app.env).toEqual([]);
});

test('an ignored service is left out, with its reason, and dependencies on it are dropped', () => {
  const { imported, app } = valid(
    input(
      { services: { app_proxy: { image: 'proxy:1' }, web: { image: 'nginx:1.27', depends_on: ['app_proxy'] } } },
      { ignoreServices: [{ service: 'app_proxy', reason: 'Umbrel\'s own proxy' }] },
    ),
  );
  expect(imported.refusals).toEqual([{ appId: 'Demo', field: 'services.app_proxy', reason: 'service left out: Umbrel\'s own proxy' }]);
  expect(app.services!.map((s) => s.name)).toEqual(['web']);
  expect(app.services![0].dependsOn).toEqual([]);
});

test('a Compose file without services is no app at all', () => {
  expect(importComposeApp(input({ version: '3' }))).toEqual({
    refusals: [{ appId: 'Demo', field: 'services', reason: 'the Compose file must have a services: mapping' }],
    unavailable: 'services: the Compose file must have a services: mapping',
  });
});
