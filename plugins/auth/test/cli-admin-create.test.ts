import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, runTomo, serveTomo } from './support/tomo-cli';

let dataDir: string;
beforeAll(() => assertBuilt());
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-cli-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test('`tomo admin create --password-stdin` creates an admin who can log in to a running Tomo', async () => {
  const created = runTomo(['admin', 'create', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'a-long-cli-password\n');
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);
  expect(created.stdout).toMatch(/Created admin "ops"/);
  expect(created.stdout).not.toContain('a-long-cli-password');

  const server = await serveTomo({ TOMO_DATA_DIR: dataDir });
  try {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops', password: 'a-long-cli-password' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { role: string } }).user.role).toBe('admin');
  } finally {
    expect(await server.stop()).toBe(0);
  }
  const log = fs.readFileSync(path.join(dataDir, 'logs', 'tomo.log'), 'utf8');
  expect(log).not.toContain('a-long-cli-password');
  expect(log).toContain('Tomo stopped');
});

test('bad input names the field, exits non-zero and creates nothing', () => {
  const bad = runTomo(['admin', 'create', '--username', 'bad name', '--email', 'ops@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'a-long-cli-password\n');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/username: may hold only letters/);
  const short = runTomo(['admin', 'create', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'short\n');
  expect(short.status).toBe(2);
  expect(short.stderr).toMatch(/password: must be at least 12 characters/);
  expect(short.stderr).not.toContain('short\n');
  // Validation happens before the database is even opened.
  expect(fs.existsSync(path.join(dataDir, 'tomo.db'))).toBe(false);
});

test('without a terminal and without --password-stdin it refuses rather than hang', () => {
  const res = runTomo(['admin', 'create', '--username', 'ops', '--email', 'ops@example.com'], { TOMO_DATA_DIR: dataDir });
  expect(res.status).toBe(2);
  expect(res.stderr).toMatch(/--password-stdin/);
});

test('a duplicate username is refused', () => {
  const first = runTomo(['admin', 'create', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'a-long-cli-password');
  expect(first.status).toBe(0);
  const again = runTomo(['admin', 'create', '--username', 'OPS', '--email', 'ops@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'a-long-cli-password');
  expect(again.status).toBe(2);
  expect(again.stderr).toMatch(/taken/);
});

test('every command has --help', () => {
  for (const args of [['--help'], ['serve', '--help'], ['admin', 'create', '--help'], ['migrate', '--help'], ['mcp', '--help']]) {
    const res = runTomo(args, { TOMO_DATA_DIR: dataDir });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/Usage: tomo/);
  }
});
