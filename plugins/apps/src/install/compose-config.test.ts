import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFINITION_FILE, loadYamlCatalog, parseAppDefinition, servicesOf, type AppDefinition } from '../catalog';
import { BUILTIN_CATALOG, validDefinition } from '../catalog/test-fixtures';
import { buildComposeProject } from './compose-file';
import { containerNameFor, dataDirFor } from './container-spec';
import { resolveInstallRequest } from './install-settings';
import { fakeGenerate, HOSTILE_VALUES } from './test-fixtures';

/*
 * Docker Compose v2 itself reads the generated files (`docker compose config`, which validates a
 * file against the Compose schema and interpolates it, without a Docker engine): every curated
 * app's file is valid, and hostile values come out of interpolation exactly as they went in. The
 * test bed installs Compose v2 on this machine (scripts/testbed.sh, step "compose"); without it
 * these tests fail, they are never skipped.
 */

const INSTALLATION_ID = '3f2a1c9e-0b7d-4c1a-9e55-6a0f1d2c3b4a';

/** `docker compose` (the CLI plugin) or `docker-compose`, whichever reports a v2 version. */
function findCompose(): string[] {
  for (const argv of [['docker', 'compose'], ['docker-compose']]) {
    const r = spawnSync(argv[0], [...argv.slice(1), 'version', '--short'], { encoding: 'utf8' });
    if (r.status === 0 && /^v?2\./.test(r.stdout.trim())) return argv;
  }
  throw new Error('Docker Compose v2 is not installed (neither `docker compose` nor `docker-compose` reports 2.x): run `sudo bash scripts/testbed.sh`, which installs it');
}

let compose: string[];
let workDir: string;
beforeAll(() => {
  compose = findCompose();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-compose-config-'));
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

interface ResolvedFile {
  services: Record<string, { environment?: Record<string, string | null>; command?: string[] | null; healthcheck?: { test: string[] }; labels?: Record<string, string> }>;
}

/**
 * The file as Compose resolves it. Its output is a Compose file again, so it writes every `$` of a
 * resolved value as `$$`; `unescape` gives the value a container gets. `env` is the environment
 * Compose interpolates from (the variables a value could wrongly pick up).
 */
function composeConfig(yaml: string, env: Record<string, string> = {}): ResolvedFile {
  const r = spawnSync(compose[0], [...compose.slice(1), '--project-directory', workDir, '-f', '-', 'config', '--format', 'json'], {
    input: yaml,
    encoding: 'utf8',
    cwd: workDir,
    env: { PATH: process.env.PATH ?? '', HOME: '/home/tomo-test', ...env },
  });
  if (r.status !== 0) throw new Error(`docker compose config failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ResolvedFile;
}
const unescape = (s: string) => s.replaceAll('$$', '$');

function project(app: AppDefinition, settings: Record<string, string>) {
  const r = resolveInstallRequest(app, { appId: app.id, settings }, { isAdmin: true, generate: fakeGenerate });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const dataDir = dataDirFor('/srv/tomo/apps', containerNameFor(app.id, INSTALLATION_ID));
  return buildComposeProject({ app, resolved: r.value, installationId: INSTALLATION_ID, serverId: 'server-1', dataDir });
}

it('interpolates this run: an unescaped $HOME would be replaced (the control for the tests below)', () => {
  const file = composeConfig('services:\n  a:\n    image: busybox\n    environment:\n      X: "$HOME"\n', { HOME: '/home/elsewhere' });
  expect(file.services.a.environment?.X).toBe('/home/elsewhere');
});

describe('values reach the container verbatim through Compose', () => {
  const { image: _image, ...base } = validDefinition({ id: 'hostile' });
  const parsed = parseAppDefinition(
    {
      ...base,
      settings: [{ name: 'VALUE', required: true }, { name: 'PASSWORD', generate: 'password' }],
      services: {
        web: {
          image: 'busybox:1',
          command: ['sh', '-c', 'echo "$VALUE" > /tmp/out; exec sleep 1d'],
          env: { VALUE: '{{VALUE}}', URL: 'postgres://u:{{PASSWORD}}@db/x?$sslmode', FIXED: 'price: $5 `date`' },
          healthcheck: { test: 'test "$VALUE" != "" || exit 1' },
        },
      },
    },
    'hostile.yaml',
  );
  const app = parsed.app!;

  it.each(HOSTILE_VALUES)('%j', (value) => {
    expect(parsed.errors).toEqual([]);
    const file = composeConfig(project(app, { VALUE: value }).yaml, { HOME: '/home/elsewhere', OTHER: 'x', VALUE: 'from-environment' });
    const web = file.services.web;
    expect(unescape(web.environment?.VALUE ?? '')).toBe(value);
    expect(unescape(web.environment?.URL ?? '')).toBe('postgres://u:generated-password@db/x?$sslmode');
    expect(unescape(web.environment?.FIXED ?? '')).toBe('price: $5 `date`');
    expect((web.command ?? []).map(unescape)).toEqual(['sh', '-c', 'echo "$VALUE" > /tmp/out; exec sleep 1d']);
    expect(web.healthcheck?.test.map(unescape)).toEqual(['CMD-SHELL', 'test "$VALUE" != "" || exit 1']);
  });
});

describe('every curated app\'s Compose file is valid for Docker Compose', () => {
  const ids = fs.readdirSync(BUILTIN_CATALOG).filter((f) => DEFINITION_FILE.test(f)).map((f) => path.basename(f, path.extname(f))).sort();
  let apps: AppDefinition[];
  beforeAll(async () => {
    apps = (await loadYamlCatalog(BUILTIN_CATALOG)).apps.map((a) => a.definition);
  });

  it.each(ids)('%s', (id) => {
    const app = apps.find((a) => a.id === id)!;
    const settings = Object.fromEntries(app.env.filter((e) => e.required).map((e) => [e.name, `value-of-${e.name} $HOME`]));
    const p = project(app, settings);
    const file = composeConfig(p.yaml, { HOME: '/home/elsewhere' });
    expect(Object.keys(file.services).sort()).toEqual(servicesOf(app).map((s) => s.name).sort());
    for (const s of servicesOf(app)) {
      expect(file.services[s.name].labels).toMatchObject({ 'io.tomo.installation': INSTALLATION_ID, 'io.tomo.app': app.id });
      for (const [name, value] of Object.entries(file.services[s.name].environment ?? {})) {
        // A required setting reaches the container as given, "$HOME" included.
        if (value?.startsWith('value-of-')) expect(unescape(value)).toMatch(/^value-of-\w+ \$HOME$/);
        expect([name, value]).not.toEqual([name, expect.stringContaining('/home/elsewhere')]);
      }
    }
  });
});
