import { fieldOf, type AppDefinition } from '../catalog';
import type { InstallRequest } from '../views';
import { buildContainerSpec } from './container-spec';
import { MAX_SETTING_LENGTH, portKey, resolveInstallRequest, type ResolveOptions, type ResolveResult } from './install-settings';
import { appOf, fakeGenerate } from './test-fixtures';

const ADMIN: ResolveOptions = { isAdmin: true, generate: fakeGenerate };
const USER: ResolveOptions = { isAdmin: false, generate: fakeGenerate };

/** Definition shaped like Pi-hole: tcp/udp on one port number, an optional port, options, a generated secret. */
const pihole = appOf({
  id: 'pihole',
  name: 'Pi-hole',
  ports: [
    '53:53/tcp',
    '53:53/udp',
    { container: 80, host: 8081, description: 'Web dashboard' },
    { container: 443, host: 8443, optional: true },
    { container: 67, protocol: 'udp', optional: true },
  ],
  env: [
    'TZ=Etc/UTC',
    { name: 'WEBPASSWORD', generate: 'password' },
    { name: 'MODE', default: 'all', options: ['all', 'single', { value: 'bind', label: 'Bind' }] },
    { name: 'BASE_URL' },
    { name: 'API_TOKEN', secret: true },
    { name: 'ADMIN_EMAIL', required: true },
  ],
  hostAccess: { capabilities: [{ name: 'NET_ADMIN', optional: true }, { name: 'SYS_NICE', optional: true }] },
});

const req = (extra: Partial<InstallRequest> = {}): InstallRequest => ({ appId: 'pihole', settings: { ADMIN_EMAIL: 'me@example.com' }, ...extra });

function ok(result: ResolveResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** The errors as `field: message`, the way the API shows them. */
function errorsOf(result: ResolveResult): string[] {
  if (result.ok) throw new Error('expected errors');
  return result.errors.map((e) => `${fieldOf(e.path)}: ${e.message}`);
}

describe('resolveInstallRequest: ports', () => {
  it('publishes every required port on its default host port when the request names none; optional ones only when asked', () => {
    expect(ok(resolveInstallRequest(pihole, req(), ADMIN)).ports).toEqual([
      { container: 53, host: 53, protocol: 'tcp' },
      { container: 53, host: 53, protocol: 'udp' },
      { container: 80, host: 8081, protocol: 'tcp', description: 'Web dashboard' },
    ]);
    expect(ok(resolveInstallRequest(pihole, req({ ports: { '443/tcp': 8443, '67/udp': 67 } }), ADMIN)).ports).toEqual([
      { container: 53, host: 53, protocol: 'tcp' },
      { container: 53, host: 53, protocol: 'udp' },
      { container: 80, host: 8081, protocol: 'tcp', description: 'Web dashboard' },
      { container: 443, host: 8443, protocol: 'tcp' },
      { container: 67, host: 67, protocol: 'udp' },
    ]);
  });

  it('uses the chosen host ports, and leaves optional ports set to null unpublished', () => {
    const ports = ok(resolveInstallRequest(pihole, req({ ports: { '80/tcp': 9000, '53/udp': 5353, '67/udp': null, '443/tcp': null } }), ADMIN)).ports;
    expect(ports.map((p) => `${portKey(p)}->${p.host}`)).toEqual(['53/tcp->53', '53/udp->5353', '80/tcp->9000']);
  });

  it('refuses a port the app does not declare, naming it and listing the declared ones', () => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ ports: { '8080/tcp': 8080, '80/udp': 80 } }), ADMIN))).toEqual([
      'ports.8080/tcp: "8080/tcp" is not a port of this app (this app\'s ports are 53/tcp, 53/udp, 80/tcp, 443/tcp, 67/udp)',
      'ports.80/udp: "80/udp" is not a port of this app (this app\'s ports are 53/tcp, 53/udp, 80/tcp, 443/tcp, 67/udp)',
    ]);
    expect(errorsOf(resolveInstallRequest(appOf(), { appId: 'demo', ports: { '80': 80 } }, ADMIN))).toEqual([
      'ports.80: "80" is not a port of this app (this app declares no ports)',
    ]);
  });

  it.each([0, 65536, -1, 80.5, Number.NaN, '8080', true, {}])('refuses %p as a host port', (value) => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ ports: { '80/tcp': value as number } }), ADMIN))).toEqual([
      'ports.80/tcp: must be a host port number from 1 to 65535 (or null to leave an optional port unpublished)',
    ]);
  });

  it('accepts the extremes 1 and 65535', () => {
    const ports = ok(resolveInstallRequest(pihole, req({ ports: { '80/tcp': 1, '443/tcp': 65535 } }), ADMIN)).ports;
    expect(ports.filter((p) => p.protocol === 'tcp').map((p) => p.host)).toEqual([53, 1, 65535]);
  });

  it('refuses null for a port the app needs', () => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ ports: { '80/tcp': null } }), ADMIN))).toEqual([
      'ports.80/tcp: cannot be left unpublished: the app needs this port (only optional ports may be null)',
    ]);
  });

  it('refuses two ports on one host port and protocol, naming both', () => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ ports: { '80/tcp': 8443, '443/tcp': 8443 } }), ADMIN))).toEqual([
      'ports.443/tcp: host port 8443/tcp is already used by port 80/tcp of this app',
    ]);
    // The same number on tcp and udp is two different ports.
    expect(resolveInstallRequest(pihole, req({ ports: { '67/udp': 53 } }), ADMIN).ok).toBe(false);
    expect(ok(resolveInstallRequest(pihole, req({ ports: { '80/tcp': 67, '67/udp': 67 } }), ADMIN)).ports).toHaveLength(4);
  });

  it('refuses ports that are not a mapping', () => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ ports: [8080] as unknown as Record<string, number> }), ADMIN))).toEqual([
      'ports: must map "<container port>/<protocol>" to a host port',
    ]);
  });

  describe('with host networking', () => {
    const hass = appOf({ id: 'hass', ports: [{ container: 8123 }, { container: 5353, protocol: 'udp', optional: true }], hostAccess: { hostNetwork: true } });

    it('the host port is the container port', () => {
      expect(ok(resolveInstallRequest(hass, { appId: 'hass', ports: { '5353/udp': 5353 } }, ADMIN)).ports).toEqual([
        { container: 8123, host: 8123, protocol: 'tcp' },
        { container: 5353, host: 5353, protocol: 'udp' },
      ]);
      expect(ok(resolveInstallRequest(hass, { appId: 'hass', ports: { '8123/tcp': 8123, '5353/udp': null } }, ADMIN)).ports).toHaveLength(1);
    });

    it('refuses another host port, saying why', () => {
      expect(errorsOf(resolveInstallRequest(hass, { appId: 'hass', ports: { '8123/tcp': 8124 } }, ADMIN))).toEqual([
        "ports.8123/tcp: must be 8123: the app uses the host's network, so it listens on its own port directly on the host and that port cannot be changed",
      ]);
    });
  });
});

describe('resolveInstallRequest: settings', () => {
  it('applies defaults, generates what is generated, leaves the rest unset', () => {
    const generate = jest.fn(fakeGenerate);
    const value = ok(resolveInstallRequest(pihole, req(), { isAdmin: true, generate }));
    expect(value.env).toEqual({ TZ: 'Etc/UTC', WEBPASSWORD: 'generated-password', MODE: 'all', ADMIN_EMAIL: 'me@example.com' });
    expect(Object.keys(value.env)).toEqual(['TZ', 'WEBPASSWORD', 'MODE', 'ADMIN_EMAIL']);
    expect(value.secretNames).toEqual(['WEBPASSWORD']);
    expect(generate.mock.calls).toEqual([['password']]);
  });

  it('uses given values instead of defaults and generation; secret ones are listed as secret', () => {
    const generate = jest.fn(fakeGenerate);
    const settings = { TZ: 'Europe/Paris', WEBPASSWORD: 'mine', MODE: 'bind', BASE_URL: '/dns', API_TOKEN: 't0ken', ADMIN_EMAIL: 'a@b.c' };
    const value = ok(resolveInstallRequest(pihole, req({ settings }), { isAdmin: true, generate }));
    expect(value.env).toEqual(settings);
    expect(value.secretNames).toEqual(['WEBPASSWORD', 'API_TOKEN']);
    expect(generate).not.toHaveBeenCalled();
  });

  it('treats an empty value as no value: default, generated, or unset', () => {
    const settings = { TZ: '', WEBPASSWORD: '', MODE: '', API_TOKEN: '', ADMIN_EMAIL: 'a@b.c' };
    const value = ok(resolveInstallRequest(pihole, req({ settings }), ADMIN));
    expect(value.env).toEqual({ TZ: 'Etc/UTC', WEBPASSWORD: 'generated-password', MODE: 'all', ADMIN_EMAIL: 'a@b.c' });
    expect(value.secretNames).toEqual(['WEBPASSWORD']);
  });

  it('generates with node:crypto when no generator is given', () => {
    const value = ok(resolveInstallRequest(pihole, req(), { isAdmin: true }));
    expect(value.env.WEBPASSWORD).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('requires the required ones (absent or empty)', () => {
    expect(errorsOf(resolveInstallRequest(pihole, { appId: 'pihole' }, ADMIN))).toEqual(['settings.ADMIN_EMAIL: is required']);
    expect(errorsOf(resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: '' } }), ADMIN))).toEqual(['settings.ADMIN_EMAIL: is required']);
  });

  it('refuses names the app does not declare, listing the allowed ones', () => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', LD_PRELOAD: '/tmp/x.so' } }), ADMIN))).toEqual([
      'settings.LD_PRELOAD: "LD_PRELOAD" is not a setting of this app (this app\'s settings are TZ, WEBPASSWORD, MODE, BASE_URL, API_TOKEN, ADMIN_EMAIL)',
    ]);
    expect(errorsOf(resolveInstallRequest(appOf(), { appId: 'demo', settings: { X: '1' } }, ADMIN))).toEqual([
      'settings.X: "X" is not a setting of this app (this app has no settings)',
    ]);
  });

  it('cuts a huge unknown name in the message', () => {
    const name = `A${'x'.repeat(500)}`;
    const [message] = errorsOf(resolveInstallRequest(appOf(), { appId: 'demo', settings: { [name]: '1' } }, ADMIN));
    expect(message).toContain(`"A${'x'.repeat(63)}…" is not a setting`);
    expect(message.length).toBeLessThan(700);
  });

  it('refuses a value outside the options, listing them', () => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', MODE: 'All' } }), ADMIN))).toEqual([
      'settings.MODE: must be one of: "all", "single", "bind"',
    ]);
  });

  it(`takes values up to ${MAX_SETTING_LENGTH} characters, not one more`, () => {
    const max = 'é'.repeat(MAX_SETTING_LENGTH);
    expect(ok(resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', BASE_URL: max } }), ADMIN)).env.BASE_URL).toBe(max);
    expect(errorsOf(resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', BASE_URL: `${max}x` } }), ADMIN))).toEqual([
      `settings.BASE_URL: must be at most ${MAX_SETTING_LENGTH} characters`,
    ]);
  });

  it('refuses NUL characters (an environment cannot hold them)', () => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', BASE_URL: 'a\0b' } }), ADMIN))).toEqual([
      'settings.BASE_URL: must not contain NUL characters (a container environment cannot hold them)',
    ]);
  });

  it('refuses values that are not text, and settings that are not a mapping', () => {
    expect(errorsOf(resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 42 as unknown as string, TZ: null as unknown as string } }), ADMIN))).toEqual([
      'settings.TZ: must be text',
      'settings.ADMIN_EMAIL: must be text',
    ]);
    expect(errorsOf(resolveInstallRequest(pihole, req({ settings: 'TZ=x' as unknown as Record<string, string> }), ADMIN))).toEqual([
      'settings: must map setting names to text values',
      'settings.ADMIN_EMAIL: is required',
    ]);
  });

  // Values reach the container as environment data through the Engine API's JSON, never through a
  // shell: anything a shell would interpret must arrive byte for byte, not escaped, not refused.
  const HOSTILE = [
    '$(touch /tmp/x)',
    '`touch /tmp/x`',
    "it's \"quoted\"",
    'a; rm -rf / #',
    'line one\nline two\r\nthree',
    '  spaces around  ',
    '\\n \\ $HOME ${PATH} %s %n',
    'x=y=z',
    '& | > < * ? ~ ! { } [ ]',
    'ünïcødé 漢字 🙂 \u202E',
    '-rf',
  ];
  it.each(HOSTILE)('carries %j verbatim into env and the container spec', (hostile) => {
    const value = ok(resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: hostile, WEBPASSWORD: hostile, API_TOKEN: hostile } }), ADMIN));
    expect(value.env.ADMIN_EMAIL).toBe(hostile);
    expect(value.env.WEBPASSWORD).toBe(hostile);
    const spec = buildContainerSpec({ app: pihole, resolved: value, installationId: 'abcdef', serverId: 's', containerName: 'tomo-pihole-abcdef', dataDir: '/srv/apps/tomo-pihole-abcdef' });
    expect(spec.Env).toContain(`ADMIN_EMAIL=${hostile}`);
    expect(spec.Env).toContain(`API_TOKEN=${hostile}`);
    // And through the JSON body the engine receives.
    expect((JSON.parse(JSON.stringify(spec)) as { Env: string[] }).Env).toContain(`WEBPASSWORD=${hostile}`);
  });

  it('never quotes a value in an error message', () => {
    const secret = 'hunter2-SECRET-VALUE';
    const results = [
      resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', API_TOKEN: `${secret}\0` } }), ADMIN),
      resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', API_TOKEN: secret.repeat(300) } }), ADMIN),
      resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', MODE: secret } }), ADMIN),
      resolveInstallRequest(pihole, req({ settings: { ADMIN_EMAIL: 'a', SECRET: secret } }), ADMIN),
    ];
    for (const r of results) {
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).not.toContain(secret);
    }
  });

  it('never reads Object.prototype for names like __proto__ or constructor', () => {
    const app = appOf({ env: [{ name: '__proto__', default: 'd' }, { name: 'constructor' }, { name: 'toString', required: true }] });
    expect(errorsOf(resolveInstallRequest(app, { appId: 'demo', settings: {} }, ADMIN))).toEqual(['settings.toString: is required']);
    const value = ok(resolveInstallRequest(app, { appId: 'demo', settings: JSON.parse('{"__proto__":"given","toString":"t"}') as Record<string, string> }, ADMIN));
    expect(Object.keys(value.env)).toEqual(['__proto__', 'toString']);
    expect(Object.getOwnPropertyDescriptor(value.env, '__proto__')?.value).toBe('given');
    expect(Object.getPrototypeOf(value.env)).toBe(Object.prototype);
  });
});

describe('resolveInstallRequest: capabilities', () => {
  const app = appOf({
    hostAccess: { capabilities: ['SYS_TIME', { name: 'NET_ADMIN', optional: true }, { name: 'NET_RAW', optional: true }] },
  });

  it('always adds the non-optional ones, and the opted-in optional ones, in definition order', () => {
    expect(ok(resolveInstallRequest(app, { appId: 'demo' }, ADMIN)).capabilities).toEqual(['SYS_TIME']);
    expect(ok(resolveInstallRequest(app, { appId: 'demo', capabilities: ['NET_RAW', 'NET_ADMIN'] }, ADMIN)).capabilities).toEqual(['SYS_TIME', 'NET_ADMIN', 'NET_RAW']);
  });

  it('accepts the CAP_ prefix and any case, once', () => {
    expect(ok(resolveInstallRequest(app, { appId: 'demo', capabilities: ['cap_net_raw', ' NET_RAW '] }, ADMIN)).capabilities).toEqual(['SYS_TIME', 'NET_RAW']);
  });

  it('refuses capabilities that are not optional ones of the app', () => {
    expect(errorsOf(resolveInstallRequest(app, { appId: 'demo', capabilities: ['SYS_ADMIN', 'SYS_TIME'] }, ADMIN))).toEqual([
      'capabilities: "SYS_ADMIN" is not an optional capability of this app (this app\'s optional capabilities are NET_ADMIN, NET_RAW)',
      "capabilities: SYS_TIME is always added for this app; only optional capabilities are chosen at install (this app's optional capabilities are NET_ADMIN, NET_RAW)",
    ]);
    expect(errorsOf(resolveInstallRequest(appOf(), { appId: 'demo', capabilities: ['NET_ADMIN'] }, ADMIN))).toEqual([
      'capabilities: "NET_ADMIN" is not an optional capability of this app (this app has no optional capabilities)',
    ]);
  });

  it('refuses capabilities that are not a list of names', () => {
    expect(errorsOf(resolveInstallRequest(app, { appId: 'demo', capabilities: 'NET_ADMIN' as unknown as string[] }, ADMIN))).toEqual([
      'capabilities: must be a list of capability names',
    ]);
    expect(errorsOf(resolveInstallRequest(app, { appId: 'demo', capabilities: [7 as unknown as string] }, ADMIN))).toEqual([
      'capabilities: must be a list of capability names',
    ]);
  });
});

describe('resolveInstallRequest: who may install', () => {
  const forbidden = (app: AppDefinition, request: InstallRequest) => {
    const r = resolveInstallRequest(app, request, USER);
    if (r.ok) throw new Error('expected forbidden');
    expect(r.forbidden).toBe(true);
    expect(r.errors).toHaveLength(1);
    return `${fieldOf(r.errors[0].path)}: ${r.errors[0].message}`;
  };

  it('refuses a user an app with host access, with the first warning, and nothing else', () => {
    const portainer = appOf({ id: 'portainer', name: 'Portainer', volumes: ['/var/run/docker.sock:/var/run/docker.sock'], hostAccess: { dockerSocket: true } });
    expect(forbidden(portainer, { appId: 'portainer', ports: { '1/tcp': 1 }, settings: { X: 'y' } })).toBe(
      'appId: only an admin may install Portainer: Mounts the Docker socket: it can control every container and is equivalent to root on the host.',
    );
    expect(resolveInstallRequest(portainer, { appId: 'portainer' }, ADMIN).ok).toBe(true);
  });

  it('lets a user install a contained app, and one with optional capabilities left off', () => {
    expect(ok(resolveInstallRequest(pihole, req(), USER)).capabilities).toEqual([]);
  });

  it('refuses a user an optional capability, naming it', () => {
    expect(forbidden(pihole, req({ capabilities: ['SYS_NICE'] }))).toBe('appId: only an admin may install Pi-hole: Optionally adds the Linux capability SYS_NICE.');
    expect(ok(resolveInstallRequest(pihole, req({ capabilities: ['SYS_NICE'] }), ADMIN)).capabilities).toEqual(['SYS_NICE']);
  });

  it('refuses a user an admin-only app', () => {
    expect(forbidden(appOf({ adminOnly: true }), { appId: 'demo' })).toBe('appId: only an admin may install Demo: The definition restricts installation to administrators.');
    // adminOnly next to optional warnings only: no warning of its own, the reason is still given.
    const both = appOf({ adminOnly: true, hostAccess: { capabilities: [{ name: 'NET_ADMIN', optional: true }] } });
    expect(forbidden(both, { appId: 'demo' })).toBe('appId: only an admin may install Demo: The definition restricts installation to administrators.');
  });
});

describe('resolveInstallRequest: the whole request', () => {
  it('reports every problem at once', () => {
    const r = resolveInstallRequest(
      pihole,
      { appId: 'other', ports: { '80/tcp': 0, '9/tcp': 9 }, settings: { NOPE: 'x', MODE: 'x' }, capabilities: ['SYS_ADMIN'] },
      ADMIN,
    );
    expect(errorsOf(r).map((e) => e.split(':')[0])).toEqual(['appId', 'capabilities', 'ports.9/tcp', 'ports.80/tcp', 'settings.NOPE', 'settings.MODE', 'settings.ADMIN_EMAIL']);
    expect(errorsOf(r)[0]).toBe('appId: does not match the definition being installed ("pihole")');
  });

  it('gives a plain, JSON-safe result', () => {
    const value = ok(resolveInstallRequest(pihole, req(), ADMIN));
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });
});
