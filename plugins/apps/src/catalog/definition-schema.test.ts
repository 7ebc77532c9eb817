import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseAppDefinition, requiresAdminFor, type AppDefinition } from './definition-schema';
import { FIXTURES, validDefinition } from './test-fixtures';

/**
 * The product roadmap's Phase 4 example definition, kept as a fixture in the repository: tests
 * read nothing outside the checkout, so the fixture (not the roadmap) is what the format must load.
 */
const SPEC_EXAMPLE = fs.readFileSync(path.join(FIXTURES, 'spec-example', 'nextcloud.yaml'), 'utf8');

function ok(overrides: Record<string, unknown>, options = {}): AppDefinition {
  const r = parseAppDefinition(validDefinition(overrides), 'app.yaml', options);
  expect(r.errors).toEqual([]);
  return r.app!;
}

describe('the spec example', () => {
  it('loads unchanged, into the canonical form', () => {
    const r = parseAppDefinition(YAML.parse(SPEC_EXAMPLE), 'nextcloud.yaml');
    expect(r.errors).toEqual([]);
    expect(r.app).toEqual({
      id: 'nextcloud',
      name: 'Nextcloud',
      description: 'Personal cloud storage',
      category: 'storage',
      tags: [],
      image: 'nextcloud:latest',
      ports: [{ container: 80, host: 8080, protocol: 'tcp', optional: false }],
      volumes: [{ kind: 'host', hostPath: '/var/nextcloud/data', containerPath: '/var/www/html', readOnly: false, dockerSocket: false }],
      env: [{ name: 'MYSQL_HOST', label: 'MYSQL_HOST', required: true, secret: false }],
      requirements: {},
      restart: 'unless-stopped',
      hostAccess: {
        privileged: false,
        hostNetwork: false,
        dockerSocket: false,
        capabilities: [],
        hostPaths: [{ path: '/var/nextcloud/data', declared: false }],
      },
      security: {
        requiresAdmin: true,
        warnings: [
          { kind: 'host-path', optional: false, subject: '/var/nextcloud/data', message: "Reads and writes the host path /var/nextcloud/data, outside the app's data folder." },
        ],
      },
    });
  });

  it('warns that its absolute host path was not declared (and makes the app admin-only)', () => {
    const r = parseAppDefinition(YAML.parse(SPEC_EXAMPLE), 'nextcloud.yaml');
    expect(r.warnings).toEqual([{ file: 'nextcloud.yaml', field: 'volumes.0.host', message: expect.stringContaining('not listed in hostAccess.hostPaths') }]);
  });

  it('is rejected in strict mode, naming the volume', () => {
    const r = parseAppDefinition(YAML.parse(SPEC_EXAMPLE), 'nextcloud.yaml', { strictHostPaths: true });
    expect(r.app).toBeUndefined();
    expect(r.errors).toEqual([{ file: 'nextcloud.yaml', field: 'volumes.0.host', message: expect.stringContaining('list it in hostAccess.hostPaths') }]);
  });

  it('loads in strict mode once the path is declared', () => {
    const declared = `${SPEC_EXAMPLE}hostAccess:\n  hostPaths: [/var/nextcloud]\n`;
    const r = parseAppDefinition(YAML.parse(declared), 'nextcloud.yaml', { strictHostPaths: true });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.app!.hostAccess.hostPaths).toEqual([{ path: '/var/nextcloud', declared: true }]);
  });
});

describe('shorthands', () => {
  it('expands every env form', () => {
    const app = ok({
      env: [
        'PLAIN=value=with=equals',
        'EMPTY=',
        { REQUIRED_ONE: 'required' },
        { WITH_DEFAULT: 'x' },
        { NUMBER: 1000 },
        { FLAG: true },
        { NO_DEFAULT: null },
        { name: 'FULL', label: 'Full', description: 'Everything', default: 'b', options: ['a', { value: 'b', label: 'Bee' }] },
        { name: 'TOKEN', generate: 'hex' },
        { name: 'PASSWORD', secret: true, required: true },
      ],
    });
    expect(app.env).toEqual([
      { name: 'PLAIN', label: 'PLAIN', required: false, default: 'value=with=equals', secret: false },
      { name: 'EMPTY', label: 'EMPTY', required: false, default: '', secret: false },
      { name: 'REQUIRED_ONE', label: 'REQUIRED_ONE', required: true, secret: false },
      { name: 'WITH_DEFAULT', label: 'WITH_DEFAULT', required: false, default: 'x', secret: false },
      { name: 'NUMBER', label: 'NUMBER', required: false, default: '1000', secret: false },
      { name: 'FLAG', label: 'FLAG', required: false, default: 'true', secret: false },
      { name: 'NO_DEFAULT', label: 'NO_DEFAULT', required: false, secret: false },
      {
        name: 'FULL',
        label: 'Full',
        description: 'Everything',
        required: false,
        default: 'b',
        secret: false,
        options: [
          { value: 'a', label: 'a' },
          { value: 'b', label: 'Bee' },
        ],
      },
      { name: 'TOKEN', label: 'TOKEN', required: false, secret: true, generate: 'hex' },
      { name: 'PASSWORD', label: 'PASSWORD', required: true, secret: true },
    ]);
  });

  it('expands port strings and objects', () => {
    const app = ok({ ports: ['8080:80/tcp', '53:53/udp', '9000', '81/udp', { container: 443, host: 8443, description: 'HTTPS', optional: true }, { container: 22 }] });
    expect(app.ports).toEqual([
      { container: 80, host: 8080, protocol: 'tcp', optional: false },
      { container: 53, host: 53, protocol: 'udp', optional: false },
      { container: 9000, host: 9000, protocol: 'tcp', optional: false },
      { container: 81, host: 81, protocol: 'udp', optional: false },
      { container: 443, host: 8443, protocol: 'tcp', description: 'HTTPS', optional: true },
      { container: 22, host: 22, protocol: 'tcp', optional: false },
    ]);
  });

  it('puts relative and missing host paths under the data root', () => {
    const app = ok({
      volumes: [
        'config:/config',
        './a/b/../c:/c:ro',
        '${DATA_ROOT}/media:/media:rw',
        '${DATA_ROOT}:/everything',
        '.:/root-too',
        '/anonymous',
        { container: '/var/www/html' },
        { host: 'db', container: '/var/lib/db', readOnly: true, description: 'Database' },
      ],
    });
    expect(app.volumes).toEqual([
      { kind: 'data', subPath: 'config', containerPath: '/config', readOnly: false },
      { kind: 'data', subPath: 'a/c', containerPath: '/c', readOnly: true },
      { kind: 'data', subPath: 'media', containerPath: '/media', readOnly: false },
      { kind: 'data', subPath: '', containerPath: '/everything', readOnly: false },
      { kind: 'data', subPath: '', containerPath: '/root-too', readOnly: false },
      { kind: 'data', subPath: 'anonymous', containerPath: '/anonymous', readOnly: false },
      { kind: 'data', subPath: 'var/www/html', containerPath: '/var/www/html', readOnly: false },
      { kind: 'data', subPath: 'db', containerPath: '/var/lib/db', readOnly: true, description: 'Database' },
    ]);
    expect(app.security).toEqual({ requiresAdmin: false, warnings: [] });
  });

  it('reads capabilities and host paths as strings or objects', () => {
    const app = ok({
      volumes: ['/srv/media/movies:/movies:ro', '/srv/media/tv:/tv:ro', '/mnt/backup:/backup'],
      hostAccess: { capabilities: ['cap_net_admin', { name: 'SYS_TIME', optional: true, reason: 'NTP' }], hostPaths: ['/srv/media/', { path: '/mnt/backup', reason: 'Backups' }] },
    });
    expect(app.hostAccess.capabilities).toEqual([
      { name: 'NET_ADMIN', optional: false },
      { name: 'SYS_TIME', optional: true, reason: 'NTP' },
    ]);
    expect(app.hostAccess.hostPaths).toEqual([
      { path: '/srv/media', declared: true },
      { path: '/mnt/backup', reason: 'Backups', declared: true },
    ]);
  });
});

describe('defaults and computed fields', () => {
  it('fills the defaults of a minimal definition', () => {
    const app = ok({});
    expect(app).toEqual({
      id: 'demo',
      name: 'Demo',
      description: 'A demo app',
      category: 'testing',
      tags: [],
      image: 'nginx:1.27',
      ports: [],
      volumes: [],
      env: [],
      requirements: {},
      restart: 'unless-stopped',
      hostAccess: { privileged: false, hostNetwork: false, dockerSocket: false, capabilities: [], hostPaths: [] },
      security: { requiresAdmin: false, warnings: [] },
    });
  });

  it('keeps the optional descriptive fields', () => {
    const app = ok({ version: '1.10', icon: 'https://example.com/i.svg', website: 'http://example.com', notes: 'Line one\nLine two', tags: ['a', 'b', 'a'], restart: 'on-failure' });
    expect(app).toMatchObject({ version: '1.10', icon: 'https://example.com/i.svg', website: 'http://example.com', notes: 'Line one\nLine two', tags: ['a', 'b'], restart: 'on-failure' });
  });

  it('is deeply frozen', () => {
    const app = ok({ ports: ['80'], env: ['A=1'] });
    expect(Object.isFrozen(app)).toBe(true);
    expect(Object.isFrozen(app.ports[0])).toBe(true);
    expect(Object.isFrozen(app.security.warnings)).toBe(true);
    expect(() => (app.env as unknown as unknown[]).push({})).toThrow();
  });

  it('normalises healthchecks', () => {
    expect(ok({ ports: ['53:53/udp', { container: 8080, optional: true }, '80'], healthcheck: { http: '/health' } }).healthcheck).toEqual({
      type: 'http', path: '/health', port: 80, expectStatus: [], timeoutSeconds: 120, intervalSeconds: 5,
    });
    expect(ok({ ports: ['9443'], healthcheck: { tcp: 9443, timeout: '2m', interval: 10 } }).healthcheck).toEqual({ type: 'tcp', port: 9443, timeoutSeconds: 120, intervalSeconds: 10 });
    expect(ok({ ports: ['8080:80'], healthcheck: { http: '/status?x=1', port: 80, timeout: '30s', expectStatus: [200, 401] } }).healthcheck).toEqual({
      type: 'http', path: '/status?x=1', port: 80, expectStatus: [200, 401], timeoutSeconds: 30, intervalSeconds: 5,
    });
    // With host networking the port is a host port and need not be published.
    expect(ok({ hostAccess: { hostNetwork: true }, healthcheck: { tcp: 8123 } }).healthcheck).toMatchObject({ type: 'tcp', port: 8123 });
  });

  it('normalises requirements', () => {
    expect(ok({ requirements: { memory: '512M', architectures: ['amd64', 'arm/v7'] } }).requirements).toEqual({ memoryMiB: 512, architectures: ['amd64', 'arm/v7'] });
    expect(ok({ requirements: { memory: '2G' } }).requirements).toEqual({ memoryMiB: 2048 });
    expect(ok({ requirements: { memory: '1.5GiB' } }).requirements).toEqual({ memoryMiB: 1536 });
    expect(ok({ requirements: { memory: 300 } }).requirements).toEqual({ memoryMiB: 300 });
    expect(ok({ requirements: { memory: '100 MB' } }).requirements).toEqual({ memoryMiB: 100 });
  });
});

describe('security summary', () => {
  it('lists every declared power, most severe first, and requires an admin', () => {
    const app = ok({
      volumes: ['/var/run/docker.sock:/var/run/docker.sock:ro', '/srv/media:/media:ro', '/srv/out:/out'],
      hostAccess: {
        privileged: true,
        hostNetwork: true,
        dockerSocket: true,
        capabilities: ['NET_ADMIN', { name: 'SYS_TIME', optional: true, reason: 'NTP' }],
        hostPaths: ['/srv/media', '/srv/out'],
        reason: 'It is a test',
      },
    });
    expect(app.security.requiresAdmin).toBe(true);
    expect(app.security.warnings.map((w) => [w.kind, w.subject, w.optional])).toEqual([
      ['privileged', undefined, false],
      ['docker-socket', '/var/run/docker.sock', false],
      ['host-network', undefined, false],
      ['capability', 'NET_ADMIN', false],
      ['capability', 'SYS_TIME', true],
      ['host-path', '/srv/media', false],
      ['host-path', '/srv/out', false],
    ]);
    expect(app.security.warnings[0].message).toContain('Reason: It is a test');
    expect(app.security.warnings[4].message).toMatch(/^Optionally adds the Linux capability SYS_TIME\. Reason: NTP$/);
    expect(app.security.warnings[5].message).toMatch(/^Reads the host path \/srv\/media/);
    expect(app.security.warnings[6].message).toMatch(/^Reads and writes the host path \/srv\/out/);
    expect(app.volumes[0]).toEqual({ kind: 'host', hostPath: '/var/run/docker.sock', containerPath: '/var/run/docker.sock', readOnly: true, dockerSocket: true });
  });

  it('needs no admin when only optional capabilities are declared, until one is enabled', () => {
    const app = ok({ hostAccess: { capabilities: [{ name: 'NET_ADMIN', optional: true }] } });
    expect(app.security.requiresAdmin).toBe(false);
    expect(app.security.warnings).toHaveLength(1);
    expect(requiresAdminFor(app)).toBe(false);
    expect(requiresAdminFor(app, ['SYS_TIME'])).toBe(false);
    expect(requiresAdminFor(app, ['NET_ADMIN'])).toBe(true);
  });

  it('honours adminOnly without host access', () => {
    const app = ok({ adminOnly: true });
    expect(app.security).toEqual({ requiresAdmin: true, warnings: [{ kind: 'admin-only', optional: false, message: expect.any(String) }] });
    expect(requiresAdminFor(app)).toBe(true);
  });

  it('accepts the other docker socket path, and sub-paths of system folders once declared', () => {
    const app = ok({
      volumes: ['/run/docker.sock:/var/run/docker.sock', '/etc/localtime:/etc/localtime:ro', '/dev/dri:/dev/dri'],
      hostAccess: { dockerSocket: true, hostPaths: ['/etc/localtime', '/dev/dri'] },
    });
    expect(app.volumes.map((v) => v.kind === 'host' && [v.hostPath, v.dockerSocket])).toEqual([
      ['/run/docker.sock', true],
      ['/etc/localtime', false],
      ['/dev/dri', false],
    ]);
  });
});

/** Each row: what is wrong, the definition fields, the field reported, the message. */
const BAD: Array<[string, Record<string, unknown>, string, RegExp]> = [
  // identity and text
  ['id with capitals', { id: 'NextCloud' }, 'id', /kebab-case/],
  ['id with underscore', { id: 'next_cloud' }, 'id', /kebab-case/],
  ['id starting with "-"', { id: '-x' }, 'id', /kebab-case/],
  ['id with a double dash', { id: 'a--b' }, 'id', /kebab-case/],
  ['id too long', { id: 'a'.repeat(65) }, 'id', /at most 64/],
  ['id missing', { id: undefined }, 'id', /required/],
  ['name missing', { name: undefined }, 'name', /text/],
  ['name empty', { name: '  ' }, 'name', /empty/],
  ['name on two lines', { name: 'a\nb' }, 'name', /one line/],
  ['name with a bidi override', { name: 'abc\u202Egpj.exe' }, 'name', /one line/],
  ['description with a control character', { description: 'a\u0007b' }, 'description', /control/],
  ['category not a slug', { category: 'Media Server' }, 'category', /kebab-case/],
  ['tag not a slug', { tags: ['ok', 'Not OK'] }, 'tags.1', /kebab-case/],
  ['version as a YAML number', { version: 1.1 }, 'version', /quote it/],
  ['icon not http', { icon: 'javascript:alert(1)' }, 'icon', /http/],
  ['website not a URL', { website: 'example.com' }, 'website', /http/],
  // image
  ['image with ";"', { image: 'nginx;id' }, 'image', /";"/],
  ['image starting with "-"', { image: '-v/:/host' }, 'image', /start with "-"/],
  ['image with a space', { image: 'nginx latest' }, 'image', /whitespace/],
  ['image missing', { image: undefined }, 'image', /required/],
  // ports
  ['port 70000 (string)', { ports: ['70000:80'] }, 'ports.0', /70000 is out of range/],
  ['port 70000 (object)', { ports: [{ container: 80, host: 70000 }] }, 'ports.0.host', /1 to 65535/],
  ['port 0', { ports: [{ container: 0 }] }, 'ports.0.container', /1 to 65535/],
  ['port not a whole number', { ports: [{ container: 80.5 }] }, 'ports.0.container', /whole number/],
  ['port as text in the object form', { ports: [{ container: '80' }] }, 'ports.0.container', /port number/],
  ['port protocol sctp (string)', { ports: ['80/sctp'] }, 'ports.0', /HOST:CONTAINER/],
  ['port protocol sctp (object)', { ports: [{ container: 80, protocol: 'sctp' }] }, 'ports.0.protocol', /tcp" or "udp/],
  ['port range', { ports: ['8000-8010:8000-8010'] }, 'ports.0', /HOST:CONTAINER/],
  ['port with a host IP', { ports: ['127.0.0.1:80:80'] }, 'ports.0', /HOST:CONTAINER/],
  ['port as a number', { ports: [80] }, 'ports.0', /a port like/],
  ['duplicate host port', { ports: ['8080:80', '8080:81'] }, 'ports.1.host', /8080\/tcp is already published by ports.0/],
  ['duplicate container port', { ports: ['8080:80', '8081:80'] }, 'ports.1.container', /80\/tcp is already listed/],
  ['remapped port with host networking', { ports: ['8080:80'], hostAccess: { hostNetwork: true } }, 'ports.0.host', /must equal the container port/],
  ['unknown key in a port', { ports: [{ container: 80, hostt: 8080 }] }, 'ports.0.hostt', /unknown key "hostt"; allowed keys: container, host/],
  ['ports not a list', { ports: '80' }, 'ports', /list/],
  // volumes: forbidden and undeclared host paths
  ['volume host /', { volumes: ['/:/host'] }, 'volumes.0.host', /may never be mounted.*whole file system/],
  ['volume host /etc', { volumes: ['/etc:/host-etc:ro'] }, 'volumes.0.host', /"\/etc".*may never be mounted/],
  ['volume host /etc/ (trailing slash)', { volumes: ['/etc/:/e'] }, 'volumes.0.host', /may never be mounted/],
  ['volume host resolving to /etc', { volumes: ['/srv/../etc:/e'] }, 'volumes.0.host', /resolves to "\/etc"/],
  ['volume host /proc', { volumes: ['/proc:/p'] }, 'volumes.0.host', /may never be mounted/],
  ['volume host /sys', { volumes: ['/sys:/s'] }, 'volumes.0.host', /may never be mounted/],
  ['volume host /dev', { volumes: ['/dev:/d'] }, 'volumes.0.host', /may never be mounted/],
  ['volume host /boot', { volumes: ['/boot:/b'] }, 'volumes.0.host', /may never be mounted/],
  ['volume host /root', { volumes: ['/root:/r'] }, 'volumes.0.host', /may never be mounted/],
  ['volume host /var/run (holds the socket)', { volumes: ['/var/run:/r'] }, 'volumes.0.host', /may never be mounted/],
  ['forbidden even when declared', { volumes: ['/etc:/e'], hostAccess: { hostPaths: ['/srv'] } }, 'volumes.0.host', /may never be mounted/],
  ['docker socket undeclared', { volumes: ['/var/run/docker.sock:/var/run/docker.sock'] }, 'volumes.0.host', /Docker socket.*hostAccess.dockerSocket: true/],
  ['docker socket (/run) undeclared', { volumes: ['/run/docker.sock:/var/run/docker.sock:ro'] }, 'volumes.0.host', /Docker socket/],
  ['docker socket via ..', { volumes: ['/var/lib/../run/docker.sock:/s'] }, 'volumes.0.host', /Docker socket \(resolves to/],
  ['undeclared path in a system folder', { volumes: ['/etc/localtime:/etc/localtime:ro'] }, 'volumes.0.host', /system directory: list it in hostAccess.hostPaths/],
  ['undeclared /run/dbus', { volumes: ['/run/dbus:/run/dbus:ro'] }, 'volumes.0.host', /system directory/],
  ['relative path escaping the data root', { volumes: ['../../etc:/e'] }, 'volumes.0.host', /leaves the app data root/],
  ['data root placeholder escaped', { volumes: ['${DATA_ROOT}/../x:/x'] }, 'volumes.0.host', /leaves the app data root/],
  ['other placeholder', { volumes: ['$HOME/x:/x'] }, 'volumes.0.host', /only the \$\{DATA_ROOT\} placeholder/],
  ['home shortcut', { volumes: ['~/x:/x'] }, 'volumes.0.host', /"~"/],
  ['empty host', { volumes: [{ host: ' ', container: '/x' }] }, 'volumes.0.host', /empty/],
  ['host with a comma', { volumes: ['a,b:/x'] }, 'volumes.0.host', /","/],
  ['relative container path', { volumes: ['data:config'] }, 'volumes.0.container', /absolute/],
  ['container path /', { volumes: ['data:/'] }, 'volumes.0.container', /must not be "\/"/],
  ['container path with ..', { volumes: ['data:/a/../b'] }, 'volumes.0.container', /normalised/],
  ['container path with a comma', { volumes: [{ host: 'd', container: '/a,b' }] }, 'volumes.0.container', /","/],
  ['duplicate container path', { volumes: ['a:/data', 'b:/data'] }, 'volumes.1.container', /already mounted by volumes.0/],
  ['bad volume mode', { volumes: ['a:/data:rx'] }, 'volumes.0', /HOST:CONTAINER:ro/],
  ['too many colons', { volumes: ['a:/b:ro:x'] }, 'volumes.0', /HOST:CONTAINER/],
  ['volume as a number', { volumes: [1] }, 'volumes.0', /a volume like/],
  ['unknown key in a volume', { volumes: [{ container: '/x', readonly: true }] }, 'volumes.0.readonly', /unknown key "readonly"/],
  // hostAccess
  ['declared host path not mounted', { hostAccess: { hostPaths: ['/srv/media'] } }, 'hostAccess.hostPaths.0', /no volume mounts it/],
  ['declared docker socket not mounted', { hostAccess: { dockerSocket: true } }, 'hostAccess.dockerSocket', /no volume mounts/],
  ['declared host path relative', { hostAccess: { hostPaths: ['srv'] } }, 'hostAccess.hostPaths.0', /absolute/],
  ['declared host path /', { hostAccess: { hostPaths: ['/'] } }, 'hostAccess.hostPaths.0', /may never be mounted/],
  ['declared host path /sys', { hostAccess: { hostPaths: ['/sys/'] } }, 'hostAccess.hostPaths.0', /may never be mounted/],
  ['docker socket as a host path', { hostAccess: { hostPaths: ['/var/run/docker.sock'] } }, 'hostAccess.hostPaths.0', /dockerSocket: true/],
  ['declared host path twice', { volumes: ['/srv:/s'], hostAccess: { hostPaths: ['/srv', '/srv/'] } }, 'hostAccess.hostPaths.1', /declared twice/],
  ['declared host path with a control character', { hostAccess: { hostPaths: ['/srv/\u0001'] } }, 'hostAccess.hostPaths.0', /control/],
  ['capability ALL', { hostAccess: { capabilities: ['ALL'] } }, 'hostAccess.capabilities.0', /privileged/],
  ['unknown capability', { hostAccess: { capabilities: ['NET_ADMN'] } }, 'hostAccess.capabilities.0', /not a Linux capability/],
  ['capability twice', { hostAccess: { capabilities: ['NET_ADMIN', 'CAP_NET_ADMIN'] } }, 'hostAccess.capabilities.1', /twice/],
  ['privileged as text', { hostAccess: { privileged: 'yes' } }, 'hostAccess.privileged', /true or false/],
  ['unknown key in hostAccess', { hostAccess: { devices: ['/dev/dri'] } }, 'hostAccess.devices', /unknown key "devices"/],
  // env
  ['env name starting with a digit', { env: ['1X=a'] }, 'env.0', /NAME=value/],
  ['env string without "="', { env: ['JUSTNAME'] }, 'env.0', /NAME=value/],
  ['env name with a dash (shorthand)', { env: [{ 'MY-VAR': 'x' }] }, 'env.0.MY-VAR', /variable name/],
  ['env name with a dash (object)', { env: [{ name: 'MY-VAR' }] }, 'env.0.name', /variable name/],
  ['env two pairs in one item', { env: [{ A: '1', B: '2' }] }, 'env.0', /one "NAME: value" pair/],
  ['env value is a mapping', { env: [{ A: { required: true } }] }, 'env.0.A', /or "required"/],
  ['env value with NUL', { env: ['A=x\u0000y'] }, 'env.0', /NUL/],
  ['env duplicate name', { env: ['A=1', { A: 'required' }] }, 'env.1.name', /already defined by env.0/],
  ['env required with a default', { env: [{ name: 'A', required: true, default: 'x' }] }, 'env.0.default', /required variable has no default/],
  ['env generated with a default', { env: [{ name: 'A', generate: 'password', default: 'x' }] }, 'env.0.default', /generated variable has no default/],
  ['env generated and required', { env: [{ name: 'A', generate: 'uuid', required: true }] }, 'env.0.required', /never required/],
  ['env generated not secret', { env: [{ name: 'A', generate: 'hex', secret: false }] }, 'env.0.secret', /always secret/],
  ['env generated with options', { env: [{ name: 'A', generate: 'hex', options: ['a'] }] }, 'env.0.options', /no list of options/],
  ['env unknown generate', { env: [{ name: 'A', generate: 'pin' }] }, 'env.0.generate', /password, hex, uuid/],
  ['env default not an option', { env: [{ name: 'A', default: 'c', options: ['a', 'b'] }] }, 'env.0.default', /not one of the options/],
  ['env duplicate option', { env: [{ name: 'A', options: ['a', 'a'] }] }, 'env.0.options', /listed twice/],
  ['env misspelt key', { env: [{ name: 'A', defualt: 'x' }] }, 'env.0.defualt', /unknown key "defualt"/],
  ['env as a number', { env: [5] }, 'env.0', /NAME=value/],
  // healthcheck
  ['healthcheck with neither http nor tcp', { ports: ['80'], healthcheck: { timeout: 5 } }, 'healthcheck', /exactly one of http/],
  ['healthcheck with both', { ports: ['80'], healthcheck: { http: '/', tcp: 80 } }, 'healthcheck', /exactly one of http/],
  ['http healthcheck without ports', { healthcheck: { http: '/' } }, 'healthcheck.port', /no tcp port/],
  ['http healthcheck on an undeclared port', { ports: ['80'], healthcheck: { http: '/', port: 81 } }, 'healthcheck.port', /81 must be one of the container tcp ports/],
  ['tcp healthcheck on a udp port', { ports: ['53/udp'], healthcheck: { tcp: 53 } }, 'healthcheck.tcp', /tcp ports/],
  ['tcp healthcheck with port', { ports: ['80'], healthcheck: { tcp: 80, port: 80 } }, 'healthcheck.port', /only for http/],
  ['tcp healthcheck with expectStatus', { ports: ['80'], healthcheck: { tcp: 80, expectStatus: [200] } }, 'healthcheck.expectStatus', /only for http/],
  ['healthcheck path without "/"', { ports: ['80'], healthcheck: { http: 'health' } }, 'healthcheck.http', /starting with "\/"/],
  ['healthcheck path with a space', { ports: ['80'], healthcheck: { http: '/a b' } }, 'healthcheck.http', /no spaces/],
  ['healthcheck bad duration', { ports: ['80'], healthcheck: { tcp: 80, timeout: '5 minutes' } }, 'healthcheck.timeout', /duration/],
  ['healthcheck zero duration', { ports: ['80'], healthcheck: { tcp: 80, timeout: 0 } }, 'healthcheck.timeout', /above 0/],
  ['healthcheck timeout too long', { ports: ['80'], healthcheck: { tcp: 80, timeout: '20m' } }, 'healthcheck.timeout', /at most 15 minutes/],
  ['healthcheck interval too long', { ports: ['80'], healthcheck: { tcp: 80, interval: '2m', timeout: '10m' } }, 'healthcheck.interval', /at most 60/],
  ['healthcheck interval above timeout', { ports: ['80'], healthcheck: { tcp: 80, interval: 30, timeout: 10 } }, 'healthcheck.interval', /longer than the timeout/],
  ['healthcheck bad status', { ports: ['80'], healthcheck: { http: '/', expectStatus: [99] } }, 'healthcheck.expectStatus.0', /100 to 599/],
  ['healthcheck unknown key', { ports: ['80'], healthcheck: { tcp: 80, retries: 3 } }, 'healthcheck.retries', /unknown key "retries"/],
  // requirements, restart, top level
  ['memory without unit meaning', { requirements: { memory: '2 bananas' } }, 'requirements.memory', /like "512M"/],
  ['memory too small', { requirements: { memory: 1 } }, 'requirements.memory', /between 4M/],
  ['unknown architecture', { requirements: { architectures: ['x86_64'] } }, 'requirements.architectures.0', /amd64, arm64/],
  ['duplicate architecture', { requirements: { architectures: ['amd64', 'amd64'] } }, 'requirements.architectures', /twice/],
  ['unknown key in requirements', { requirements: { disk: '1G' } }, 'requirements.disk', /unknown key "disk"/],
  ['unknown restart policy', { restart: 'sometimes' }, 'restart', /no, always, unless-stopped, on-failure/],
  ['unknown top-level key', { privileged: true }, 'privileged', /unknown key "privileged"; allowed keys: id, name/],
  ['adminOnly as text', { adminOnly: 'true' }, 'adminOnly', /true or false/],
];

describe('bad definitions', () => {
  it.each(BAD)('%s', (_label, overrides, field, message) => {
    const raw = validDefinition(overrides);
    for (const [k, v] of Object.entries(raw)) if (v === undefined) delete raw[k];
    const r = parseAppDefinition(raw, 'bad.yaml');
    expect(r.app).toBeUndefined();
    expect(r.errors).toContainEqual({ file: 'bad.yaml', field, message: expect.stringMatching(message) });
  });

  it('reports every problem of a definition, not only the first', () => {
    const r = parseAppDefinition(validDefinition({ id: 'Bad', image: 'x;y', ports: ['0'], extra: 1 }), 'many.yaml');
    expect(r.errors.map((e) => e.field).sort()).toEqual(['extra', 'id', 'image', 'ports.0']);
  });

  it('in strict mode, rejects any absolute host path not under a declared one', () => {
    const raw = validDefinition({ volumes: ['/srv/media/a:/a', '/srv/other:/o'], hostAccess: { hostPaths: ['/srv/media'] } });
    expect(parseAppDefinition(raw, 'strict.yaml', { strictHostPaths: true }).errors).toEqual([
      { file: 'strict.yaml', field: 'volumes.1.host', message: expect.stringMatching(/"\/srv\/other" is outside the app data root: list it in hostAccess.hostPaths/) },
    ]);
    // The default (lenient) mode takes it as an implicit declaration, with a warning.
    const lenient = parseAppDefinition(raw, 'lenient.yaml');
    expect(lenient.warnings).toEqual([{ file: 'lenient.yaml', field: 'volumes.1.host', message: expect.stringContaining('treated as declared') }]);
    expect(lenient.app!.hostAccess.hostPaths).toEqual([
      { path: '/srv/media', declared: true },
      { path: '/srv/other', declared: false },
    ]);
  });

  it('rejects a definition that is not an object', () => {
    expect(parseAppDefinition(['a'], 'list.yaml').errors[0]).toMatchObject({ file: 'list.yaml', field: '' });
    expect(parseAppDefinition(null, 'null.yaml').errors[0]).toMatchObject({ file: 'null.yaml', field: '' });
  });
});

test('a colon in a volume path (object form) is refused: it would change the bind', () => {
  const base = { id: 'demo', name: 'Demo', description: 'd', category: 'testing', image: 'nginx:1.27' };
  for (const [volume, field] of [
    [{ host: 'data', container: '/x:/y' }, 'volumes.0.container'],
    [{ host: 'a:b', container: '/x' }, 'volumes.0.host'],
  ] as const) {
    const result = parseAppDefinition({ ...base, volumes: [volume] }, 'demo.yaml');
    expect(result.app).toBeUndefined();
    expect(result.errors).toEqual([expect.objectContaining({ file: 'demo.yaml', field, message: expect.stringContaining('":"') })]);
  }
});
