import fs from 'node:fs';
import path from 'node:path';
import { CatalogRegistry, inlineSource, portainerFileSource, SOURCE_PRECEDENCE, yamlFolderSource, type CatalogSource } from './catalog-registry';
import type { CatalogLoadResult } from './load-yaml-catalog';
import { BUILTIN_CATALOG, FIXTURES, removeTempDirs, tempCatalog, validDefinition, validYaml } from './test-fixtures';

afterAll(removeTempDirs);

const PORTAINER = path.join(FIXTURES, 'portainer-v2.json');
const SPEC_FOLDER = path.join(FIXTURES, 'spec-example');

const def = (id: string, extra: Record<string, unknown> = {}) => validDefinition({ id, name: `App ${id}`, ...extra });

describe('CatalogRegistry: sources and precedence', () => {
  let registry: CatalogRegistry;
  beforeAll(async () => {
    // Registered in a scrambled order on purpose: precedence comes from the kind, not the order.
    registry = new CatalogRegistry([
      yamlFolderSource({ dir: SPEC_FOLDER, kind: 'folder', label: 'My apps' }),
      portainerFileSource({ file: PORTAINER }),
      inlineSource({ id: 'plugin:media-pack', kind: 'plugin', definitions: () => [def('jellyfin', { name: 'Jellyfin (media pack)', category: 'media' })] }),
      yamlFolderSource({ dir: BUILTIN_CATALOG, kind: 'builtin' }),
    ]);
    await registry.reload();
  });

  it('orders sources import < builtin < plugin < folder', () => {
    expect(SOURCE_PRECEDENCE).toEqual({ import: 0, builtin: 1, plugin: 2, folder: 3 });
    expect(registry.listSources().map((s) => s.id)).toEqual([`import:${PORTAINER}`, 'builtin', 'plugin:media-pack', `folder:${SPEC_FOLDER}`]);
  });

  it('lets the higher source win and reports each override', () => {
    expect(registry.get('nextcloud')).toMatchObject({ source: { id: `folder:${SPEC_FOLDER}`, kind: 'folder', label: 'My apps' }, definition: { image: 'nextcloud:latest' } });
    expect(registry.get('jellyfin')).toMatchObject({ source: { id: 'plugin:media-pack' }, file: 'plugin:media-pack#0', definition: { name: 'Jellyfin (media pack)' } });
    // The curated Home Assistant is not replaced by the imported Portainer template of the same name.
    expect(registry.get('home-assistant')).toMatchObject({ source: { id: 'builtin' }, file: path.join(BUILTIN_CATALOG, 'home-assistant.yaml') });
    expect(registry.current().overrides).toEqual([
      {
        id: 'home-assistant',
        winner: { source: 'builtin', file: path.join(BUILTIN_CATALOG, 'home-assistant.yaml') },
        shadowed: { source: `import:${PORTAINER}`, file: PORTAINER, entry: 'templates.3' },
      },
      {
        id: 'jellyfin',
        winner: { source: 'plugin:media-pack', file: 'plugin:media-pack#0' },
        shadowed: { source: 'builtin', file: path.join(BUILTIN_CATALOG, 'jellyfin.yaml') },
      },
      {
        id: 'nextcloud',
        winner: { source: `folder:${SPEC_FOLDER}`, file: path.join(SPEC_FOLDER, 'nextcloud.yaml') },
        shadowed: { source: 'builtin', file: path.join(BUILTIN_CATALOG, 'nextcloud.yaml') },
      },
    ]);
  });

  it('lists a Portainer template file as a catalog with its apps, skipped templates and errors', () => {
    const portainer = registry.catalogs().find((c) => c.kind === 'import')!;
    expect(portainer).toMatchObject({
      id: `import:${PORTAINER}`,
      label: 'Portainer templates (portainer-v2.json)',
      precedence: 0,
      appIds: ['nginx', 'nginx-2', 'portainer-agent', 'home-assistant'],
    });
    expect(portainer.skipped).toHaveLength(3);
    expect(portainer.errors.map((e) => e.field)).toEqual(['templates.7.image', 'templates.8.volumes.0.bind']);
    expect(registry.get('portainer-agent')).toMatchObject({ source: { kind: 'import' }, entry: 'templates.2' });
  });

  it('lists every app once, sorted by name, and gathers the problems of all sources', () => {
    const ids = registry.list().map((e) => e.definition.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['portainer', 'nginx', 'nginx-2', 'portainer-agent', 'pihole']));
    const names = registry.list().map((e) => e.definition.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
    expect(registry.current().errors).toHaveLength(2);
    expect(registry.current().warnings.map((w) => w.field)).toEqual(['templates.2.command', 'volumes.0.host']);
  });

  it('counts apps per category', () => {
    expect(registry.categories()).toContainEqual({ category: 'media', count: 4 });
    expect(registry.categories().map((c) => c.category)).toEqual([...registry.categories().map((c) => c.category)].sort());
  });
});

describe('CatalogRegistry: within one kind, later sources win', () => {
  it('reports a chain of overrides against the final winner', async () => {
    const registry = new CatalogRegistry([
      inlineSource({ id: 'a', kind: 'folder', definitions: () => [def('x', { description: 'from a' })] }),
      inlineSource({ id: 'b', kind: 'folder', definitions: () => [def('x', { description: 'from b' })] }),
      inlineSource({ id: 'c', kind: 'folder', definitions: () => [def('x', { description: 'from c' })] }),
    ]);
    await registry.reload();
    expect(registry.get('x')!.definition.description).toBe('from c');
    expect(registry.current().overrides).toEqual([
      { id: 'x', winner: { source: 'c', file: 'c#0' }, shadowed: { source: 'a', file: 'a#0' } },
      { id: 'x', winner: { source: 'c', file: 'c#0' }, shadowed: { source: 'b', file: 'b#0' } },
    ]);
  });
});

describe('CatalogRegistry: reload', () => {
  it('is empty before the first reload', () => {
    const registry = new CatalogRegistry([inlineSource({ id: 'a', kind: 'builtin', definitions: () => [def('x')] })]);
    expect(registry.list()).toEqual([]);
    expect(registry.get('x')).toBeUndefined();
    expect(registry.search({ text: 'x' })).toEqual([]);
  });

  it('picks up added, changed, broken and removed files without a restart', async () => {
    const dir = tempCatalog({ 'one.yaml': validYaml('one'), 'two.yaml': validYaml('two') });
    const registry = new CatalogRegistry([yamlFolderSource({ dir, kind: 'folder' })]);
    const first = await registry.reload();
    expect(registry.list().map((e) => e.definition.id)).toEqual(['one', 'two']);

    fs.writeFileSync(path.join(dir, 'one.yaml'), validYaml('one').replace('name: App one', 'name: Renamed one'));
    fs.writeFileSync(path.join(dir, 'three.yaml'), validYaml('three'));
    fs.writeFileSync(path.join(dir, 'two.yaml'), validYaml('two').replace('nginx:1.27', '"nginx;rm"'));
    const second = await registry.reload();

    expect(registry.list().map((e) => [e.definition.id, e.definition.name])).toEqual([
      ['three', 'App three'],
      ['one', 'Renamed one'],
    ]);
    expect(registry.current().errors).toEqual([expect.objectContaining({ file: path.join(dir, 'two.yaml'), field: 'image' })]);
    // The earlier snapshot is untouched: readers holding it see a consistent catalog.
    expect(first.entries.map((e) => e.definition.id)).toEqual(['one', 'two']);
    expect(second.loadedAt.getTime()).toBeGreaterThanOrEqual(first.loadedAt.getTime());

    fs.rmSync(path.join(dir, 'three.yaml'));
    await registry.reload();
    expect(registry.list().map((e) => e.definition.id)).toEqual(['one']);
  });

  it('picks up a multi-service app, its broken version (with field and line) and its fix without a restart', async () => {
    const stack = (dbImage: string) =>
      ['id: stack', 'name: Stack', 'description: d', 'category: testing', 'settings:', '  - name: PW', '    generate: password', 'services:', '  web:', '    image: nginx:1.27',
        '    env: { DB_PW: "{{PW}}" }', '    dependsOn: { db: { condition: service_healthy } }', '  db:', `    image: ${dbImage}`, '    env: { POSTGRES_PASSWORD: "{{PW}}" }', '    healthcheck: { test: pg_isready }', ''].join('\n');
    const dir = tempCatalog({ 'stack.yaml': stack('postgres:17') });
    const registry = new CatalogRegistry([yamlFolderSource({ dir, kind: 'folder' })]);
    await registry.reload();
    expect(registry.get('stack')?.definition.services?.map((s) => s.name)).toEqual(['web', 'db']);

    fs.writeFileSync(path.join(dir, 'stack.yaml'), stack('"postgres;17"').replace('healthcheck: { test: pg_isready }', 'healthcheck: { test: pg_isready, retry: 3 }'));
    await registry.reload();
    expect(registry.get('stack')).toBeUndefined();
    expect(registry.current().errors).toEqual([
      expect.objectContaining({ file: path.join(dir, 'stack.yaml'), field: 'services.db.image', line: 14 }),
      expect.objectContaining({ field: 'services.db.healthcheck.retry', message: expect.stringContaining('unknown key "retry"'), line: 16 }),
    ]);

    fs.writeFileSync(path.join(dir, 'stack.yaml'), stack('postgres:17.2'));
    await registry.reload();
    expect(registry.get('stack')?.definition.services?.[1].image).toBe('postgres:17.2');
    expect(registry.current().errors).toEqual([]);
  });

  it('applies added and removed sources at the next reload', async () => {
    const registry = new CatalogRegistry();
    registry.addSource(inlineSource({ id: 'p', kind: 'plugin', definitions: () => [def('x')] }));
    await registry.reload();
    expect(registry.list()).toHaveLength(1);
    expect(registry.removeSource('p')).toBe(true);
    expect(registry.removeSource('p')).toBe(false);
    await registry.reload();
    expect(registry.list()).toHaveLength(0);
  });

  it('refuses a duplicate source id or an unknown kind', () => {
    const registry = new CatalogRegistry([inlineSource({ id: 'p', kind: 'plugin', definitions: () => [] })]);
    expect(() => registry.addSource(inlineSource({ id: 'p', kind: 'folder', definitions: () => [] }))).toThrow(/already registered/);
    expect(() => registry.addSource({ id: 'q', label: 'q', kind: 'weird' as never, load: async () => ({ apps: [], errors: [], warnings: [], skipped: [] }) })).toThrow(/unknown kind/);
  });

  it('reports a source that throws, and still loads the others', async () => {
    const broken: CatalogSource = { id: 'broken', label: 'Broken', kind: 'plugin', load: () => Promise.reject(new Error('disk on fire')) };
    const registry = new CatalogRegistry([broken, inlineSource({ id: 'ok', kind: 'builtin', definitions: () => [def('x')] })]);
    const snapshot = await registry.reload();
    expect(snapshot.errors).toEqual([{ file: 'broken', field: '', message: 'catalog source failed to load: disk on fire' }]);
    expect(registry.list().map((e) => e.definition.id)).toEqual(['x']);
    expect(registry.catalogs().find((c) => c.id === 'broken')).toMatchObject({ appIds: [], errors: [expect.anything()] });
  });

  it('reports invalid and duplicate inline definitions', async () => {
    const registry = new CatalogRegistry([inlineSource({ id: 'p', kind: 'plugin', definitions: async () => [def('x'), def('x'), { id: 'Bad' }] })]);
    const snapshot = await registry.reload();
    expect(registry.list()).toHaveLength(1);
    expect(snapshot.errors).toEqual(
      expect.arrayContaining([
        { file: 'p#1', field: 'id', message: 'duplicate id "x" in the same source; skipped' },
        expect.objectContaining({ file: 'p#2', field: 'id' }),
      ]),
    );
  });

  it('queues a reload asked for while one runs, and shares it among callers', async () => {
    let loads = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const source: CatalogSource = {
      id: 'slow',
      label: 'slow',
      kind: 'folder',
      load: async (): Promise<CatalogLoadResult> => {
        loads += 1;
        const n = loads;
        if (n === 1) await gate;
        return { apps: [], errors: [], warnings: [{ file: 'slow', field: '', message: `load ${n}` }], skipped: [] };
      },
    };
    const registry = new CatalogRegistry([source]);
    const a = registry.reload();
    const b = registry.reload();
    const c = registry.reload();
    expect(b).toBe(c);
    release();
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(loads).toBe(2);
    expect(ra.warnings[0].message).toBe('load 1');
    expect(rb.warnings[0].message).toBe('load 2');
    expect(rc).toBe(rb);
    expect(registry.current()).toBe(rb);
    await registry.reload();
    expect(loads).toBe(3);
  });
});

describe('CatalogRegistry: search', () => {
  let registry: CatalogRegistry;
  const ids = (q: Parameters<CatalogRegistry['search']>[0]) => registry.search(q).map((e) => e.definition.id);
  beforeAll(async () => {
    registry = new CatalogRegistry([yamlFolderSource({ dir: BUILTIN_CATALOG, kind: 'builtin' })]);
    await registry.reload();
  });

  it('returns everything, by name, without a query', () => {
    expect(ids({})).toEqual(registry.list().map((e) => e.definition.id));
    expect(ids({ text: '   ' })).toHaveLength(registry.list().length);
  });

  it('matches id, name, description, category and tags, case-insensitively', () => {
    expect(ids({ text: 'vaultwarden' })).toEqual(['vaultwarden']);
    expect(ids({ text: 'JELLY' })).toEqual(['jellyfin']);
    expect(ids({ text: 'bitwarden' })).toEqual(['vaultwarden']);
    expect(ids({ text: 'podcast' })).toEqual(['audiobookshelf']);
    expect(ids({ text: 'nginx-proxy' })).toEqual(['nginx-proxy-manager']);
    expect(ids({ text: 'home-automation' })).toEqual(['home-assistant', 'node-red']);
  });

  it('needs every word to match', () => {
    expect(ids({ text: 'music subsonic' })).toEqual(['navidrome']);
    expect(ids({ text: 'music nonexistentword' })).toEqual([]);
  });

  it('ranks name matches first', () => {
    // "proxy" is in NPM's name, and only in the description of others.
    expect(ids({ text: 'proxy' })[0]).toBe('nginx-proxy-manager');
    expect(ids({ text: 'home' })[0]).toBe('home-assistant');
    expect(ids({ text: 'home' }).slice(0, 2)).toEqual(['home-assistant', 'homepage']);
  });

  it('filters by category, alone or with text', () => {
    expect(ids({ category: 'media' })).toEqual(['audiobookshelf', 'immich', 'jellyfin', 'navidrome']);
    expect(ids({ category: 'MEDIA', text: 'music' })).toEqual(['jellyfin', 'navidrome']);
    expect(ids({ category: 'nope' })).toEqual([]);
  });

  it('honours a limit', () => {
    expect(ids({ category: 'media', limit: 2 })).toEqual(['audiobookshelf', 'immich']);
    expect(ids({ limit: 0 })).toEqual([]);
  });

  it('handles 1,000 definitions within the targets (load ≤ 1 s, query ≤ 50 ms)', async () => {
    const words = ['cloud', 'media', 'proxy', 'backup', 'monitor', 'wiki', 'chat', 'photo', 'music', 'code'];
    const many = new CatalogRegistry([
      inlineSource({
        id: 'generated',
        kind: 'folder',
        definitions: () =>
          Array.from({ length: 1000 }, (_, i) =>
            def(`app-${i}`, {
              name: `Generated ${words[i % 10]} ${i}`,
              description: `A generated ${words[(i * 7) % 10]} app number ${i} for the search benchmark`,
              category: `cat-${i % 12}`,
              tags: [words[(i * 3) % 10]],
              ports: [`${10000 + i}:80`],
              env: ['A=1', { B: 'required' }],
              volumes: ['data:/data'],
            }),
          ),
      }),
    ]);
    const t0 = performance.now();
    await many.reload();
    const loadMs = performance.now() - t0;
    expect(many.list()).toHaveLength(1000);
    let worst = 0;
    for (const q of [{ text: 'cloud' }, { text: 'code app 99' }, { category: 'cat-3' }, { text: 'zzz' }, { text: 'generated', category: 'cat-1' }, {}]) {
      const t = performance.now();
      many.search(q);
      worst = Math.max(worst, performance.now() - t);
    }
    expect(many.search({ text: 'generated code 99' }).map((e) => e.definition.id)).toContain('app-99');
    expect(many.search({ category: 'cat-3' })).toHaveLength(84);
    expect(loadMs).toBeLessThanOrEqual(1000);
    expect(worst).toBeLessThanOrEqual(50);
  });
});
