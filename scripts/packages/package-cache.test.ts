// The packaging tests' cache (package-cache.js): a build is reused for the same inputs, redone
// for others, and a test that needs a package while another process builds it (npm test's
// background prebuild) waits for that build and takes its result instead of building again.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir, cachedPackage, REPO_ROOT } from './package-cache';

let work: string;
let script: string;
let input: string;
const kind = `test-${process.pid}`;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-package-cache-test-'));
  // A build script as rpm/build.sh is called: --ref <ref> --outdir <dir>; it counts its runs.
  script = path.join(work, 'build.sh');
  fs.writeFileSync(script, `set -e\necho built >> '${path.join(work, 'count')}'\nsleep "\${BUILD_SECONDS:-0}"\necho package > "$4/pkg-1.0.test"\n`);
  input = path.join(work, 'input.txt');
  fs.writeFileSync(input, 'one');
});
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(cacheDir(kind), { recursive: true, force: true });
});

const build = () => cachedPackage({ kind, script, ref: 'HEAD', inputs: [input], extraKey: 'x', fileName: /^pkg-.*\.test$/ });
const builds = () => fs.readFileSync(path.join(work, 'count'), 'utf8').split('\n').filter(Boolean).length;

test('the same inputs reuse the build; another input builds again', () => {
  const first = build();
  expect(fs.readFileSync(first, 'utf8')).toBe('package\n');
  expect(build()).toBe(first);
  expect(builds()).toBe(1);
  fs.writeFileSync(input, 'two');
  expect(build()).not.toBe(first);
  expect(builds()).toBe(2);
});

test('while another process builds (it holds the lock), a caller waits and takes that build', async () => {
  fs.writeFileSync(input, 'three');
  // The other process: the same cache code in a child node, its build taking 2 s.
  const other = spawn(process.execPath, ['-e', `require(${JSON.stringify(path.join(__dirname, 'package-cache.js'))}).cachedPackage({ kind: ${JSON.stringify(kind)}, script: ${JSON.stringify(script)}, ref: 'HEAD', inputs: [${JSON.stringify(input)}], extraKey: 'x', fileName: /^pkg-.*\\.test$/ })`], {
    cwd: REPO_ROOT,
    env: { ...process.env, BUILD_SECONDS: '2' },
    stdio: 'inherit',
  });
  const otherDone = new Promise<number | null>((resolve) => other.on('exit', resolve));
  // Once the other build has started (its run is counted), ask for the same package here.
  const deadline = Date.now() + 10000;
  while (builds() < 3) {
    if (Date.now() > deadline) throw new Error('the other build did not start');
    spawnSync('sleep', ['0.05']);
  }
  const started = Date.now();
  const file = build();
  expect(Date.now() - started).toBeGreaterThan(1000);
  expect(await otherDone).toBe(0);
  expect(fs.readFileSync(file, 'utf8')).toBe('package\n');
  expect(builds()).toBe(3);
});
