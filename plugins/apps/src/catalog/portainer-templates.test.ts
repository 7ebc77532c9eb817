import fs from 'node:fs';
import path from 'node:path';
import { loadPortainerTemplates, mapPortainerTemplates, slugify } from './portainer-templates';
import { FIXTURES, removeTempDirs, tempCatalog } from './test-fixtures';

afterAll(removeTempDirs);

const FILE = path.join(FIXTURES, 'portainer-v2.json');

describe('loadPortainerTemplates (fixture)', () => {
  let result: Awaited<ReturnType<typeof loadPortainerTemplates>>;
  const app = (id: string) => result.apps.find((a) => a.definition.id === id)!;
  beforeAll(async () => {
    result = await loadPortainerTemplates(FILE);
  });

  it('maps the container templates, with unique ids from the titles', () => {
    expect(result.apps.map((a) => [a.definition.id, a.entry, a.file])).toEqual([
      ['nginx', 'templates.0', FILE],
      ['nginx-2', 'templates.1', FILE],
      ['portainer-agent', 'templates.2', FILE],
      ['home-assistant', 'templates.3', FILE],
    ]);
  });

  it('skips stack and Windows templates, with the reason', () => {
    expect(result.skipped).toEqual([
      { file: FILE, field: 'templates.4.type', message: 'template "WordPress stack" skipped: type 3 (compose stack) templates are not supported, only container templates (type 1)' },
      { file: FILE, field: 'templates.5.type', message: 'template "Swarm monitoring" skipped: type 2 (swarm stack) templates are not supported, only container templates (type 1)' },
      { file: FILE, field: 'templates.6.platform', message: 'template "IIS" skipped: platform "windows" is not supported, only linux' },
    ]);
  });

  it('reports a broken template with its field, and keeps the others', () => {
    expect(result.errors).toEqual([
      { file: FILE, field: 'templates.7.image', message: expect.stringMatching(/^template "Broken": must not contain ";"/) },
      { file: FILE, field: 'templates.8.volumes.0.bind', message: expect.stringMatching(/^template "Etc reader": "\/etc" may never be mounted/) },
    ]);
  });

  it('maps every field of a container template', () => {
    expect(app('nginx').definition).toEqual({
      id: 'nginx',
      name: 'Nginx',
      description: 'High performance web server',
      category: 'webserver',
      tags: ['reverse-proxy'],
      icon: 'https://portainer-io-assets.sfo2.digitaloceanspaces.com/logos/nginx.png',
      notes: 'Serves /srv/www read-only.',
      image: 'nginx:1.27',
      ports: [
        { container: 80, host: 8080, protocol: 'tcp', optional: false },
        { container: 443, host: 443, protocol: 'tcp', optional: false },
      ],
      volumes: [
        { kind: 'data', subPath: 'etc/nginx/conf.d', containerPath: '/etc/nginx/conf.d', readOnly: false },
        { kind: 'host', hostPath: '/srv/www', containerPath: '/usr/share/nginx/html', readOnly: true, dockerSocket: false },
      ],
      env: [
        { name: 'NGINX_HOST', label: 'Server name', required: false, default: 'localhost', secret: false },
        {
          name: 'NGINX_MODE',
          label: 'Mode',
          required: false,
          default: 'prod',
          secret: false,
          options: [
            { value: 'prod', label: 'Production' },
            { value: 'dev', label: 'Development' },
          ],
        },
        { name: 'NGINX_ENTRYPOINT_QUIET_LOGS', label: 'NGINX_ENTRYPOINT_QUIET_LOGS', required: false, default: '1', secret: false },
      ],
      requirements: {},
      restart: 'always',
      hostAccess: {
        privileged: false,
        hostNetwork: false,
        dockerSocket: false,
        capabilities: [],
        hostPaths: [{ path: '/srv/www', reason: 'bind mount of the Portainer template', declared: true }],
        reason: 'declared by the Portainer template',
      },
      security: { requiresAdmin: true, warnings: [expect.objectContaining({ kind: 'host-path', subject: '/srv/www' })] },
    });
  });

  it('turns privileged mode, the Docker socket and bind mounts into declarations', () => {
    const agent = app('portainer-agent').definition;
    expect(agent.hostAccess).toMatchObject({ privileged: true, dockerSocket: true, hostPaths: [expect.objectContaining({ path: '/var/lib/docker/volumes' })] });
    expect(agent.security.requiresAdmin).toBe(true);
    expect(agent.security.warnings.map((w) => w.kind)).toEqual(['privileged', 'docker-socket', 'host-path']);
  });

  it('turns host networking into a declaration and prefixes the registry', () => {
    const ha = app('home-assistant').definition;
    expect(ha.image).toBe('ghcr.io/homeassistant/home-assistant');
    expect(ha.hostAccess.hostNetwork).toBe(true);
    expect(ha.category).toBe('other');
  });

  it('warns about the fields Tomo ignores', () => {
    expect(result.warnings).toContainEqual({ file: FILE, field: 'templates.2.command', message: 'command is not supported by Tomo and is ignored' });
  });
});

describe('mapPortainerTemplates', () => {
  const one = (template: Record<string, unknown>) => mapPortainerTemplates({ version: '2', templates: [{ type: 1, title: 'T', image: 'nginx', ...template }] }, 'f.json');

  it.each([
    ['not an object', [], '', /Portainer template file/],
    ['version 1', { version: '1', templates: [] }, 'version', /only version "2"/],
    ['version 3', { version: '3', templates: [] }, 'version', /"3" is not supported/],
    ['no templates list', { version: '2' }, 'templates', /list/],
  ])('rejects a file that is %s', (_label, json, field, message) => {
    const r = mapPortainerTemplates(json, 'f.json');
    expect(r.apps).toEqual([]);
    expect(r.errors).toEqual([{ file: 'f.json', field, message: expect.stringMatching(message) }]);
  });

  it('reports templates that are not objects or have no title', () => {
    const r = mapPortainerTemplates({ version: '2', templates: ['x', { type: 1, image: 'nginx' }] }, 'f.json');
    expect(r.errors).toEqual([
      { file: 'f.json', field: 'templates.0', message: 'must be a template object' },
      { file: 'f.json', field: 'templates.1.title', message: 'is required' },
    ]);
  });

  it('skips unknown template types', () => {
    expect(mapPortainerTemplates({ version: '2', templates: [{ title: 'X' }] }, 'f.json').skipped[0].message).toMatch(/type null templates are not supported/);
  });

  it('maps port errors to the template field', () => {
    expect(one({ ports: ['70000/tcp'] }).errors).toEqual([{ file: 'f.json', field: 'templates.0.ports.0', message: expect.stringContaining('out of range') }]);
    expect(one({ ports: ['8000-8010/tcp'] }).errors[0].field).toBe('templates.0.ports.0');
  });

  it('keeps the registry when the image already names one', () => {
    expect(one({ image: 'quay.io/org/app:1', registry: 'ghcr.io' }).apps[0].definition.image).toBe('quay.io/org/app:1');
    expect(one({ image: 'org/app:1', registry: 'ghcr.io/' }).apps[0].definition.image).toBe('ghcr.io/org/app:1');
  });

  it('warns about a non-http logo, another network, an unknown restart policy and unknown fields', () => {
    const r = one({ logo: 'data:image/png;base64,xx', network: 'bridge', restart_policy: 'sometimes', labels: [], whatever: 1, maintainer: 'me', name: 'x' });
    expect(r.apps).toHaveLength(1);
    expect(r.warnings.map((w) => w.field)).toEqual(['templates.0.labels', 'templates.0.whatever', 'templates.0.logo', 'templates.0.network', 'templates.0.restart_policy']);
    expect(r.apps[0].definition.restart).toBe('unless-stopped');
  });

  it('makes administrator_only templates admin-only', () => {
    expect(one({ administrator_only: true }).apps[0].definition.security.requiresAdmin).toBe(true);
    expect(one({}).apps[0].definition.security.requiresAdmin).toBe(false);
  });

  it('keeps an HTML-only description readable and falls back to the title', () => {
    expect(one({ description: '<p>Line&nbsp;one<br/>Line &amp; two</p>' }).apps[0].definition.description).toBe('Line one\nLine & two');
    expect(one({ description: '<img src=x>' }).apps[0].definition.description).toBe('T');
  });

  it('maps env entries that are broken to the env field', () => {
    expect(one({ env: [{ name: '1BAD' }] }).errors).toEqual([{ file: 'f.json', field: 'templates.0.env.0.name', message: expect.stringContaining('variable name') }]);
  });
});

describe('loadPortainerTemplates errors', () => {
  it('reports an unreadable, oversized or invalid file as one error', async () => {
    const dir = tempCatalog({ 'bad.json': '{ "version": ', 'big.json': JSON.stringify({ version: '2', templates: [], pad: 'x'.repeat(2000) }) });
    expect((await loadPortainerTemplates(path.join(dir, 'missing.json'))).errors[0].message).toBe('cannot read file: ENOENT');
    expect((await loadPortainerTemplates(path.join(dir, 'bad.json'))).errors[0].message).toMatch(/^not valid JSON/);
    expect((await loadPortainerTemplates(path.join(dir, 'big.json'), { maxFileBytes: 1000 })).errors[0].message).toBe('file is larger than 1000 bytes');
    expect((await loadPortainerTemplates(dir)).errors[0].message).toBe('not a regular file');
    expect(fs.existsSync(dir)).toBe(true);
  });
});

describe('slugify', () => {
  it.each([
    ['Nginx Proxy Manager', 'nginx-proxy-manager'],
    ['  Café & Crème!! ', 'cafe-creme'],
    ['***', 'app'],
    ['A'.repeat(70), 'a'.repeat(64)],
    [`${'a'.repeat(63)} b`, 'a'.repeat(63)],
  ])('%s → %s', (title, slug) => expect(slugify(title)).toBe(slug));
});
