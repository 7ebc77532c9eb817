/**
 * One-shot CLI commands (`tomo admin create`, `tomo migrate`) may run while the service is up:
 * they must not act as a service start, which marks installs and preparations cut off by a
 * restart as failed. Only `tomo serve` does that.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3');

let dataDir: string;
beforeAll(() => {
  assertBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-cli-work-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const stateOf = () => {
  const db = new Database(path.join(dataDir, 'tomo.db'), { readonly: true });
  try {
    return db.prepare("SELECT state FROM app_installations WHERE id = 'i-1'").get().state as string;
  } finally {
    db.close();
  }
};

test('an install in flight stays in flight through CLI commands, and is marked interrupted by a real start', async () => {
  const env = { TOMO_DATA_DIR: dataDir };
  expect(runTomo(['migrate'], env).status).toBe(0);
  const db = new Database(path.join(dataDir, 'tomo.db'));
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO app_installations (id, serverId, ownerId, appId, appName, image, containerName, state, portsJson, settingsJson, secretNamesJson, capabilitiesJson, definitionJson, dataDir, progressJson, createdAt, updatedAt)
     VALUES ('i-1', 's-1', 'u-1', 'web-hello', 'Web Hello', 'tomo-test/httpd:1', 'tomo-web-hello-aaaaaa', 'installing', '[]', '{}', '[]', '[]', '{}', '/srv/x', '[]', ?, ?)`,
  ).run(now, now);
  db.close();

  expect(runTomo(['admin', 'create', '--username', 'admin', '--email', 'a@example.com', '--password-stdin'], env, 'admin-password-1234').status).toBe(0);
  expect(runTomo(['migrate', '--status'], env).status).toBe(0);
  expect(runTomo(['migrate'], env).status).toBe(0);
  expect(stateOf()).toBe('installing');

  const server = await serveTomo(env);
  await server.stop();
  expect(stateOf()).toBe('failed');
});
