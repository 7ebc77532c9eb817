import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAppDefinition } from './definition-schema';
import { loadYamlCatalog, parseYamlDefinition } from './load-yaml-catalog';
import { servicesOf } from './services-of';
import { BUILTIN_CATALOG, FIXTURES, removeTempDirs, tempCatalog, validYaml } from './test-fixtures';

afterAll(removeTempDirs);

const deep = (levels: number) => `${validYaml('deep')}\nnotes:\n${'  '.repeat(0)}${Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- `).join('\n')}x\n`;
const aliasBomb = [
  validYaml('bomb'),
  'tags: &a [x, x, x, x, x, x, x, x, x, x]',
  'notes:',
  ...Array.from({ length: 30 }, () => '  - *a'),
].join('\n');

/** Each row: what is wrong, the content of bad.yaml, the field reported, the message. */
const BAD_FILES: Array<[string, string | Buffer, string, RegExp]> = [
  ['image with ";"', validYaml('bad').replace('nginx:1.27', '"nginx;id"'), 'image', /";"/],
  ['image starting with "-"', validYaml('bad').replace('nginx:1.27', '"-nginx"'), 'image', /start with "-"/],
  ['port 70000', validYaml('bad').replace('"8080:80"', '{ container: 80, host: 70000 }'), 'ports.0.host', /1 to 65535/],
  ['port 70000 (string form)', validYaml('bad').replace('"8080:80"', '"70000:80"'), 'ports.0', /out of range/],
  ['volume host path /', validYaml('bad', 'volumes: ["/:/host"]'), 'volumes.0.host', /may never be mounted/],
  ['volume host path /etc', validYaml('bad', 'volumes: ["/etc:/etc"]'), 'volumes.0.host', /may never be mounted/],
  ['docker socket not declared', validYaml('bad', 'volumes: ["/var/run/docker.sock:/var/run/docker.sock"]'), 'volumes.0.host', /hostAccess.dockerSocket: true/],
  ['unknown key', validYaml('bad', 'privileged: true'), 'privileged', /unknown key "privileged"/],
  ['unknown nested key', validYaml('bad', 'healthcheck:\n  tcp: 80\n  retries: 3'), 'healthcheck.retries', /unknown key/],
  ['file over the size limit', `${validYaml('bad')}\nnotes: "${'x'.repeat(70 * 1024)}"\n`, '', /larger than 65536 bytes/],
  ['nesting over the depth limit', deep(20), '', /deeper than 12 levels/],
  ['alias expansion over the limit', aliasBomb, '', /aliases/],
  ['not YAML', 'id: [unclosed\nname: x\n', '', /not valid YAML/],
  ['duplicate key', `${validYaml('bad')}\nid: again\n`, '', /unique/],
  ['two YAML documents', `${validYaml('bad')}\n---\nid: second\n`, '', /multiple documents/],
  ['empty file', '', '', /empty/],
  ['only a comment', '# nothing here\n', '', /empty/],
  ['a list, not a mapping', '- id: x\n', '', /mapping/],
  ['a bare string', 'hello\n', '', /mapping/],
  ['not UTF-8', Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), '', /not UTF-8/],
];

describe('loadYamlCatalog: a broken file is reported with its path and field, the rest still loads', () => {
  it.each(BAD_FILES)('%s', async (_label, content, field, message) => {
    const dir = tempCatalog({ 'a-good.yaml': validYaml('a-good'), 'bad.yaml': content, 'z-good.yml': validYaml('z-good') });
    const result = await loadYamlCatalog(dir);
    expect(result.errors).toContainEqual(expect.objectContaining({ file: path.join(dir, 'bad.yaml'), field, message: expect.stringMatching(message) }));
    expect(result.errors.every((e) => e.file === path.join(dir, 'bad.yaml'))).toBe(true);
    expect(result.apps.map((a) => a.definition.id)).toEqual(['a-good', 'z-good']);
  });
});

describe('parseYamlDefinition', () => {
  it('gives the line of the field at fault', () => {
    const text = ['id: demo', 'name: Demo', 'description: d', 'category: c', 'image: "nginx;id"', 'ports:', '  - container: 80', '    hostt: 1', 'volumes:', '  - /etc:/etc'].join('\n');
    expect(parseYamlDefinition(text, 'f.yaml').errors).toEqual([
      { file: 'f.yaml', field: 'image', message: expect.any(String), line: 5 },
      { file: 'f.yaml', field: 'ports.0.hostt', message: expect.stringContaining('unknown key'), line: 8 },
    ]);
    const cross = ['id: demo', 'name: Demo', 'description: d', 'category: c', 'image: nginx', 'volumes:', '  - data:/data', '  - /etc:/etc'].join('\n');
    expect(parseYamlDefinition(cross, 'f.yaml').errors).toEqual([{ file: 'f.yaml', field: 'volumes.1.host', message: expect.any(String), line: 8 }]);
  });

  it('gives the line of a YAML syntax error', () => {
    expect(parseYamlDefinition('id: x\nname: [a\n', 'f.yaml').errors[0]).toMatchObject({ file: 'f.yaml', field: '', line: expect.any(Number) });
  });

  it('turns YAML warnings (unknown tags) into load warnings, and the definition still loads', () => {
    const r = parseYamlDefinition(`${validYaml('tagged')}\nnotes: !custom hello\n`, 'f.yaml');
    expect(r.app?.notes).toBe('hello');
    expect(r.warnings).toEqual([expect.objectContaining({ file: 'f.yaml', field: '', message: expect.stringContaining('Unresolved tag') })]);
  });

  it('does not let a "__proto__" key through', () => {
    const r = parseYamlDefinition(`${validYaml('proto')}\n__proto__: { polluted: true }\n`, 'f.yaml');
    expect(r.errors).toEqual([expect.objectContaining({ field: '__proto__', message: expect.stringContaining('unknown key') })]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stops at a self-referencing alias instead of looping', () => {
    const r = parseYamlDefinition(`${validYaml('cycle')}\ntags: &t [*t]\n`, 'f.yaml');
    expect(r.app).toBeUndefined();
    expect(r.errors[0].field).toBe('tags.0');
  });

  it('applies custom limits', () => {
    expect(parseYamlDefinition(validYaml('small'), 'f.yaml', { limits: { maxFileBytes: 10 } }).errors[0].message).toMatch(/larger than 10 bytes/);
    expect(parseYamlDefinition(validYaml('flat'), 'f.yaml', { limits: { maxDepth: 1 } }).errors[0].message).toMatch(/deeper than 1 levels/);
  });

  it('reads the same definition as parseAppDefinition does from an object', () => {
    const yaml = parseYamlDefinition(validYaml('same', 'env:\n  - A: required'), 'f.yaml');
    const object = parseAppDefinition({ id: 'same', name: 'App same', description: 'A test app', category: 'testing', image: 'nginx:1.27', ports: ['8080:80'], env: [{ A: 'required' }] }, 'f.yaml');
    expect(yaml.app).toEqual(object.app);
  });
});

describe('loadYamlCatalog: folders', () => {
  it('reads *.yaml and *.yml in name order, ignoring dot-files, other files and subfolders', async () => {
    const dir = tempCatalog({ 'b.yml': validYaml('b'), 'a.yaml': validYaml('a'), 'C.YAML': validYaml('c'), '.hidden.yaml': validYaml('hidden'), 'readme.md': '# hi', 'x.json': '{}' });
    fs.mkdirSync(path.join(dir, 'sub.yaml'));
    fs.writeFileSync(path.join(dir, 'sub.yaml', 'd.yaml'), validYaml('d'));
    const result = await loadYamlCatalog(dir);
    expect(result).toEqual({
      apps: [
        { definition: expect.objectContaining({ id: 'c' }), file: path.join(dir, 'C.YAML') },
        { definition: expect.objectContaining({ id: 'a' }), file: path.join(dir, 'a.yaml') },
        { definition: expect.objectContaining({ id: 'b' }), file: path.join(dir, 'b.yml') },
      ],
      errors: [],
      warnings: [expect.objectContaining({ file: path.join(dir, 'C.YAML'), field: 'id', message: expect.stringContaining('differs from the file name') })],
      skipped: [],
    });
  });

  it('keeps the first of two files with the same id and reports the second', async () => {
    const dir = tempCatalog({ 'one.yaml': validYaml('same'), 'two.yaml': validYaml('same') });
    const result = await loadYamlCatalog(dir);
    expect(result.apps.map((a) => a.file)).toEqual([path.join(dir, 'one.yaml')]);
    expect(result.errors).toEqual([{ file: path.join(dir, 'two.yaml'), field: 'id', message: expect.stringMatching(/duplicate id "same": already defined by one.yaml/) }]);
  });

  it('follows symlinks to files', async () => {
    const dir = tempCatalog({ 'target.txt': validYaml('linked') });
    fs.symlinkSync(path.join(dir, 'target.txt'), path.join(dir, 'linked.yaml'));
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.yaml'));
    const result = await loadYamlCatalog(dir);
    expect(result.apps.map((a) => a.definition.id)).toEqual(['linked']);
    expect(result.errors).toEqual([{ file: path.join(dir, 'dangling.yaml'), field: '', message: 'cannot read file: ENOENT' }]);
  });

  it('does not hang on a FIFO named like a definition', async () => {
    const dir = tempCatalog({ 'ok.yaml': validYaml('ok') });
    execFileSync('mkfifo', [path.join(dir, 'ignored.yaml')]); // not a file: not even listed
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    fs.symlinkSync(path.join(dir, 'fifo'), path.join(dir, 'pipe.yaml')); // listed, then refused
    const result = await loadYamlCatalog(dir);
    expect(result.apps.map((a) => a.definition.id)).toEqual(['ok']);
    expect(result.errors).toEqual([{ file: path.join(dir, 'pipe.yaml'), field: '', message: 'not a regular file' }]);
  });

  it('reports a missing folder as one error', async () => {
    const dir = path.join(tempCatalog(), 'missing');
    expect(await loadYamlCatalog(dir)).toEqual({ apps: [], errors: [{ file: dir, field: '', message: 'cannot read catalog folder: ENOENT' }], warnings: [], skipped: [] });
  });

  it('reads at most maxFiles files', async () => {
    const dir = tempCatalog({ 'a.yaml': validYaml('a'), 'b.yaml': validYaml('b'), 'c.yaml': validYaml('c') });
    const result = await loadYamlCatalog(dir, { limits: { maxFiles: 2 } });
    expect(result.apps.map((a) => a.definition.id)).toEqual(['a', 'b']);
    expect(result.errors).toEqual([{ file: dir, field: '', message: expect.stringContaining('holds 3 definition files, more than the limit of 2') }]);
  });

  it('passes strictHostPaths on', async () => {
    const dir = path.join(FIXTURES, 'spec-example');
    expect((await loadYamlCatalog(dir)).apps).toHaveLength(1);
    const strict = await loadYamlCatalog(dir, { strictHostPaths: true });
    expect(strict.apps).toHaveLength(0);
    expect(strict.errors).toEqual([expect.objectContaining({ field: 'volumes.0.host', line: 10 })]);
  });
});

describe('the built-in catalog/', () => {
  let result: Awaited<ReturnType<typeof loadYamlCatalog>>;
  const app = (id: string) => result.apps.find((a) => a.definition.id === id)!.definition;
  beforeAll(async () => {
    result = await loadYamlCatalog(BUILTIN_CATALOG, { strictHostPaths: true });
  });

  it('loads with no error and no warning, even in strict mode', () => {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.apps.length).toBeGreaterThanOrEqual(15);
  });

  it('holds the five apps of the spec, and the homelab favourites', () => {
    const ids = result.apps.map((a) => a.definition.id);
    expect(ids).toEqual(expect.arrayContaining(['portainer', 'nginx-proxy-manager', 'nextcloud', 'jellyfin', 'pihole']));
    expect(ids).toEqual(expect.arrayContaining(['uptime-kuma', 'vaultwarden', 'home-assistant', 'gitea', 'syncthing', 'navidrome', 'audiobookshelf', 'freshrss', 'homepage', 'heimdall']));
  });

  it('holds at least 8 multi-container apps, each with a database its app waits for and shares a generated password with', () => {
    const multi = result.apps.map((a) => a.definition).filter((d) => d.services && d.services.length > 1);
    expect(multi.map((d) => d.id).sort()).toEqual(
      expect.arrayContaining(['authentik', 'gitea-postgres', 'immich', 'linkding', 'mealie', 'nextcloud', 'outline', 'paperless-ngx']),
    );
    expect(multi.length).toBeGreaterThanOrEqual(8);
    for (const d of multi) {
      const services = d.services!;
      const db = services.find((s) => /postgres|mariadb/.test(s.image))!;
      expect([d.id, db?.healthcheck !== undefined]).toEqual([d.id, true]);
      // Someone waits for the database to be healthy.
      expect([d.id, services.some((s) => s.dependsOn.some((x) => x.service === db.name && x.condition === 'service_healthy'))]).toEqual([d.id, true]);
      // One generated setting reaches both the database and another service.
      const generated = d.env.filter((e) => e.generate).map((e) => `{{${e.name}}}`);
      const shared = generated.filter((ref) => db.env.some((e) => e.value.includes(ref)) && services.some((s) => s !== db && s.env.some((e) => e.value.includes(ref))));
      expect([d.id, shared.length > 0]).toEqual([d.id, true]);
    }
  });

  it('names each file after its app', () => {
    for (const a of result.apps) expect(path.basename(a.file)).toBe(`${a.definition.id}.yaml`);
  });

  it('pins an image tag (never latest) for every service and gives a version, website, healthcheck and requirements', () => {
    for (const { definition: d } of result.apps) {
      for (const image of servicesOf(d).map((s) => s.image)) {
        expect([d.id, image, /:[\w][\w.-]*$/.test(image) && !image.endsWith(':latest')]).toEqual([d.id, image, true]);
      }
      expect([d.id, Boolean(d.version && d.website && d.healthcheck && d.requirements.memoryMiB && d.requirements.architectures)]).toEqual([d.id, true]);
    }
  });

  it('can install every app on one server: no two apps publish the same host port', () => {
    const owner = new Map<string, string>();
    for (const { definition: d } of result.apps) {
      for (const p of d.ports) {
        const key = `${p.host}/${p.protocol}`;
        expect([key, owner.get(key)]).toEqual([key, undefined]);
        owner.set(key, d.id);
      }
    }
  });

  it('declares the host access each app needs, and only those apps are admin-only', () => {
    expect(app('portainer').hostAccess).toMatchObject({ dockerSocket: true, privileged: false, hostNetwork: false });
    expect(app('portainer').security.requiresAdmin).toBe(true);
    expect(app('home-assistant').hostAccess).toMatchObject({ hostNetwork: true, privileged: true, hostPaths: [expect.objectContaining({ path: '/run/dbus', declared: true })] });
    expect(app('pihole').ports).toContainEqual(expect.objectContaining({ container: 53, host: 53, protocol: 'udp', optional: false }));
    expect(app('pihole').hostAccess.capabilities).toContainEqual(expect.objectContaining({ name: 'NET_ADMIN', optional: true }));
    expect(app('pihole').security.requiresAdmin).toBe(false);
    const adminOnly = result.apps.filter((a) => a.definition.security.requiresAdmin).map((a) => a.definition.id).sort();
    expect(adminOnly).toEqual(['dozzle', 'home-assistant', 'portainer']);
  });

  it('asks for the login passwords (secret, required: never generated, since they are never shown again)', () => {
    expect(app('nextcloud').env.find((e) => e.name === 'NEXTCLOUD_ADMIN_PASSWORD')).toMatchObject({ required: true, secret: true });
    expect(app('pihole').env.find((e) => e.name === 'FTLCONF_webserver_api_password')).toMatchObject({ required: true, secret: true });
  });
});

describe('the per-source cache', () => {
  it('reuses the result of an unchanged file and parses a changed one again', async () => {
    const dir = tempCatalog({ 'one.yaml': validYaml('one'), 'two.yaml': validYaml('two') });
    const cache = new Map();
    const first = await loadYamlCatalog(dir, { cache });
    expect(cache.size).toBe(2);
    fs.writeFileSync(path.join(dir, 'two.yaml'), validYaml('two', 'version: "2"'));
    const second = await loadYamlCatalog(dir, { cache });
    const byId = (r: typeof first, id: string) => r.apps.find((a) => a.definition.id === id)!.definition;
    expect(byId(second, 'one')).toBe(byId(first, 'one'));
    expect(byId(second, 'two')).not.toBe(byId(first, 'two'));
    expect(byId(second, 'two').version).toBe('2');
  });
});
