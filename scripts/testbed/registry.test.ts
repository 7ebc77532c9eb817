/**
 * The test bed's image registry (scripts/testbed.sh, scripts/testbed/registry.js): real pushes,
 * pulls and digests with Debian's docker-registry. The main test bed engine pulls a test image
 * over the test sshd as `tomotest` and records the registry's digest; pushing a variant under a
 * tag changes the digest the registry reports; the test images behave as
 * scripts/testbed/images/README.md says (three services under Docker Compose v2, health checks,
 * logs). The pull inside a prepared fresh server is in
 * plugins/preparation/test/prepare-fresh-debian13.e2e.test.ts (it reuses that prepared server).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Client as SshClient } from 'ssh2';

/* eslint-disable @typescript-eslint/no-require-imports -- the helpers are plain CommonJS */
const { loadTestbed } = require('./testbed');
const { imageRef, registryDigest, pushImage, loadRegistry, TEST_IMAGES, MANIFEST_ACCEPT } = require('./registry');
const { Client } = require('ssh2');
/* eslint-enable @typescript-eslint/no-require-imports */

jest.setTimeout(120_000);

const DOCKER = '/usr/bin/docker';
const testbed = loadTestbed();
const registry = loadRegistry();

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A local command (argv, no shell). */
function run(file: string, args: string[], cwd?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** One command as tomotest over the test sshd (key login, pinned host key). */
function sshRun(command: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const conn: SshClient = new Client();
    conn.on('error', reject);
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        stream.on('close', (code: number | null) => {
          conn.end();
          resolve({ code: code ?? -1, stdout, stderr });
        });
      });
    });
    conn.connect({
      host: testbed.ssh.host,
      port: testbed.ssh.port,
      username: testbed.ssh.username,
      privateKey: readFileSync(testbed.ssh.keys.ed25519),
      readyTimeout: 20_000,
    });
  });
}

const pushedDigests: string[] = [];

afterAll(async () => {
  // The variants this file pushed (unique labels, so their digests are only under its own tags).
  for (const digest of pushedDigests) {
    await fetch(`${registry.url}/v2/tomo-test/webapp/manifests/${digest}`, { method: 'DELETE' });
  }
});

describe('the registry', () => {
  test('testbed.json describes it and it serves every standard tag with a digest', async () => {
    expect(registry).toMatchObject({ address: 'tomo-registry.test:5000', port: 5000, url: 'http://tomo-registry.test:5000' });
    expect(registry.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(registry.images).toEqual({
      webapp1: 'tomo-registry.test:5000/tomo-test/webapp:1',
      webapp2: 'tomo-registry.test:5000/tomo-test/webapp:2',
      webappUnhealthy: 'tomo-registry.test:5000/tomo-test/webapp:3-unhealthy',
      db: 'tomo-registry.test:5000/tomo-test/db:1',
      cache: 'tomo-registry.test:5000/tomo-test/cache:1',
    });
    const v2 = await fetch(`${registry.url}/v2/`);
    expect(v2.status).toBe(200); // open: no auth block
    const digests = new Set<string>();
    for (const [name, tags] of Object.entries(TEST_IMAGES as Record<string, string[]>)) {
      for (const tag of tags) {
        const digest = await registryDigest(name, tag);
        expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        digests.add(digest);
      }
    }
    expect(digests.size).toBe(5); // five different images
    expect(await registryDigest('webapp', 'no-such-tag')).toBeNull();
  });

  test('the main test bed engine pulls webapp:1 (tomotest over SSH) and records the registry digest', async () => {
    const ref = imageRef('webapp', '1');
    expect(ref).toBe(registry.images.webapp1);
    // testbed.sh leaves no pushed reference on this engine; another test may have pulled it (the
    // untag fails harmlessly while a container uses it: the pull then still asks the registry).
    await run(DOCKER, ['rmi', ref]);
    const pull = await sshRun(`docker pull ${ref}`);
    expect(pull.stderr).toBe('');
    expect(pull.code).toBe(0);
    const expected = await registryDigest('webapp', '1');
    expect(pull.stdout).toContain(`Digest: ${expected}`);
    const inspected = await sshRun(`docker image inspect --format '{{json .RepoDigests}}' ${ref}`);
    expect(JSON.parse(inspected.stdout)).toContain(`tomo-registry.test:5000/tomo-test/webapp@${expected}`);
  });

  test('pushImage: a variant under a tag is a new digest, and another variant changes it again', async () => {
    const tag = `t-${randomBytes(4).toString('hex')}`;
    const base = await registryDigest('webapp', '2');
    const first = await pushImage('webapp', tag, `a-${tag}`, { from: '2' });
    pushedDigests.push(first.digest);
    expect(first.ref).toBe(`tomo-registry.test:5000/tomo-test/webapp:${tag}`);
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.digest).not.toBe(base);
    const second = await pushImage('webapp', tag, `b-${tag}`, { from: '2' });
    pushedDigests.push(second.digest);
    expect(second.digest).not.toBe(first.digest);
    // What an update check sees: HEAD on the tag, Docker-Content-Digest.
    const head = await fetch(`${registry.url}/v2/tomo-test/webapp/manifests/${tag}`, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } });
    expect(head.headers.get('docker-content-digest')).toBe(second.digest);
    // The base tag is untouched, and the pushed reference was not left on this engine.
    expect(await registryDigest('webapp', '2')).toBe(base);
    expect((await run(DOCKER, ['image', 'inspect', first.ref])).code).not.toBe(0);
  });

  test('pushImage refuses unknown images, bad tags and variants, and a missing base', async () => {
    await expect(pushImage('nginx', '1', 'a')).rejects.toThrow('unknown test image "nginx": one of webapp, db, cache');
    await expect(pushImage('webapp', '-x', 'a')).rejects.toThrow('invalid tag "-x"');
    await expect(pushImage('webapp', 'x', 'a b\nRUN id')).rejects.toThrow('invalid variant');
    await expect(pushImage('webapp', 'x', 'a')).rejects.toThrow('no standard tag "x" of webapp to start from (1, 2, 3-unhealthy): pass { from }');
  });
});

describe('the test images', () => {
  let dir = '';
  const project = `tomo-reg-${randomBytes(3).toString('hex')}`;
  const unhealthy = `tomo-reg-unhealthy-${randomBytes(3).toString('hex')}`;
  const compose = (...args: string[]) => run(DOCKER, ['compose', '-p', project, ...args], dir);

  afterAll(async () => {
    if (dir) {
      await compose('down', '-v');
      await rm(dir, { recursive: true, force: true });
    }
    await run(DOCKER, ['rm', '-f', '-v', unhealthy]);
  });

  test('web (v1) depending on a healthy db, plus a cache, under Compose v2: answers, counts, logs', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tomo-registry-test-'));
    // Test text, not product code: the product generates its compose files.
    await writeFile(
      join(dir, 'compose.yaml'),
      [
        'services:',
        '  web:',
        `    image: ${registry.images.webapp1}`,
        '    environment: { APP_SECRET: "s3cret-value", DB_PASSWORD: "pw-1" }',
        '    ports: ["127.0.0.1::8080"]',
        '    volumes: [web-data:/data]',
        '    depends_on: { db: { condition: service_healthy }, cache: { condition: service_started } }',
        '  db:',
        `    image: ${registry.images.db}`,
        '    environment: { DB_PASSWORD: "pw-1" }',
        '  cache:',
        `    image: ${registry.images.cache}`,
        'volumes: { web-data: {} }',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const up = await compose('up', '-d', '--wait');
    expect(up.code).toBe(0);
    // The db reports healthy only after its 3 s start-up: web was started after that.
    expect(Date.now() - started).toBeGreaterThan(3000);
    const ps = await compose('ps', '--format', '{{.Service}} {{.Health}}');
    expect(ps.stdout.trim().split('\n').sort()).toEqual(['cache healthy', 'db healthy', 'web healthy']);
    const port = (await compose('port', 'web', '8080')).stdout.trim();
    const get = async (path: string) => (await fetch(`http://${port}${path}`)).text();
    expect(await get('/')).toBe('webapp v1\nvisits 1\n');
    expect(await get('/')).toBe('webapp v1\nvisits 2\n');
    expect(await get('/visits')).toBe('2\n');
    expect(await get('/db')).toBe('db ok\n');
    expect(await get('/cache')).toBe('cache ok\n');
    const health = await fetch(`http://${port}/health`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect((await fetch(`http://${port}/nope`)).status).toBe(404);
    const logs = (await compose('logs', '--no-log-prefix', 'web')).stdout;
    expect(logs).toContain('webapp v1 APP_SECRET=s3cret-value');
    expect(logs).toContain('webapp v1: GET /visits 200');
    expect(logs).not.toContain('probe=healthcheck');
    const dbLogs = (await compose('logs', '--no-log-prefix', 'db')).stdout;
    expect(dbLogs).toContain('db: ready on port 5432');
    expect(dbLogs).toContain('db: connection ok');
  });

  test('webapp:3-unhealthy answers as v3 but Docker marks it unhealthy', async () => {
    const r = await run(DOCKER, ['run', '-d', '--name', unhealthy, '-p', '127.0.0.1::8080', registry.images.webappUnhealthy]);
    expect(r.code).toBe(0);
    const port = (await run(DOCKER, ['port', unhealthy, '8080'])).stdout.trim().split('\n')[0];
    let status = '';
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && status !== 'unhealthy') {
      status = (await run(DOCKER, ['inspect', '-f', '{{.State.Health.Status}}', unhealthy])).stdout.trim();
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(status).toBe('unhealthy');
    expect(await (await fetch(`http://${port}/version`)).text()).toBe('webapp v3\n');
    expect((await fetch(`http://${port}/health`)).status).toBe(500);
  });

  test('db refuses to start without DB_PASSWORD', async () => {
    const r = await run(DOCKER, ['run', '--rm', registry.images.db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('db: DB_PASSWORD is not set; refusing to start');
  });
});
