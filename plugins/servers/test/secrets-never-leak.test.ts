/**
 * Acceptance 4: after add / test / update / exec / delete through HTTP and MCP, the password, the
 * private keys and the passphrase appear in no response, no log line and no database file; the
 * doors show `hasCredentials: true`, and an update without credentials keeps them working.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { runSql } from '@tomo/kernel';
import { storedData } from '../../../test-support/stored-data';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { passwordServer, readKey, startServersKernel, testbed, type ServersKernel } from './support/servers-kernel';
import { execOn, keyServer } from './support/ssh-helpers';

jest.setTimeout(30000);

let t: ServersKernel;
let mcp: Client;
/** Every response body (HTTP and MCP) this test received, as text. */
const seen: string[] = [];

beforeAll(async () => {
  t = await startServersKernel();
  mcp = await connectMcp(t.url, t.tokens.alice);
});
afterAll(async () => {
  await mcp?.close();
  await t?.stop();
});

async function http(method: string, url: string, body?: unknown, token = t.tokens.alice) {
  const res = await t.request(method, url, { token, body });
  seen.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? null));
  return res;
}
async function tool(name: string, args: Record<string, unknown>) {
  const result = await mcp.callTool({ name, arguments: args });
  seen.push(JSON.stringify(result));
  return resultText(result);
}

/** The secrets, whole and in pieces (each line of a key's base64 body): none may appear anywhere. */
function secretNeedles(): string[] {
  const { ssh } = testbed();
  const needles = [ssh.password, ssh.keys.ed25519EncryptedPassphrase];
  for (const file of [ssh.keys.ed25519, ssh.keys.rsa, ssh.keys.ed25519Encrypted]) {
    const key = readKey(file);
    needles.push(key.trim());
    for (const line of key.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) needles.push(line);
  }
  return needles;
}

function leaksIn(haystack: string, needles: string[]): string[] {
  return needles.filter((n) => haystack.includes(n) || haystack.includes(JSON.stringify(n).slice(1, -1)));
}

test('a full run through HTTP and MCP leaves no secret in responses, logs or the database files', async () => {
  const { ssh } = testbed();
  const needles = secretNeedles();
  expect(needles.length).toBeGreaterThan(20);
  // The detector finds a secret as it would appear in JSON (a key's line breaks escaped).
  expect(leaksIn(JSON.stringify({ privateKey: readKey(ssh.keys.rsa) }), needles).length).toBeGreaterThan(10);

  // --- HTTP: every auth type, tested, updated without credentials, tested again.
  const bodies = [passwordServer('pw'), keyServer('ed', 'ed25519'), keyServer('rsa', 'rsa'), keyServer('enc', 'ed25519Encrypted', ssh.keys.ed25519EncryptedPassphrase)];
  const ids: string[] = [];
  for (const body of bodies) {
    const added = await http('POST', '/api/servers', body);
    expect(added.status).toBe(201);
    expect(added.body.hasCredentials).toBe(true);
    expect(added.body).not.toHaveProperty('credentials');
    expect(added.body).not.toHaveProperty('credentialsSealed');
    ids.push(added.body.id);
    expect((await http('POST', `/api/servers/${added.body.id}/test`)).body.ok).toBe(true);
    const renamed = await http('PATCH', `/api/servers/${added.body.id}`, { name: `${String(body.name)}-renamed`, port: ssh.port });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: `${String(body.name)}-renamed`, hasCredentials: true, authType: body.authType });
    // The stored credentials still work after an update that did not send them.
    expect((await http('POST', `/api/servers/${added.body.id}/test`)).body).toMatchObject({ ok: true, status: 'online' });
    expect((await execOn(t, added.body.id, ['whoami'])).stdout).toBe(`${ssh.username}\n`);
  }
  // Replacing credentials (same secret again) and switching the auth type.
  const replaced = await http('PATCH', `/api/servers/${ids[0]}`, { authType: 'key', credentials: { privateKey: readKey(ssh.keys.ed25519Encrypted), passphrase: ssh.keys.ed25519EncryptedPassphrase } });
  expect(replaced.body).toMatchObject({ authType: 'key', hasCredentials: true });
  expect((await http('POST', `/api/servers/${ids[0]}/test`)).body.ok).toBe(true);
  // Refusals must not echo what was sent either.
  expect((await http('POST', '/api/servers', keyServer('bad', 'ed25519Encrypted', `${ssh.password}-wrong`))).status).toBe(400);
  expect((await http('POST', '/api/servers', { ...passwordServer('both'), credentials: { password: ssh.password, privateKey: readKey(ssh.keys.rsa) } })).status).toBe(400);
  expect((await http('POST', '/api/servers', { ...keyServer('pub', 'ed25519'), credentials: { privateKey: `${readKey(ssh.keys.ed25519)}garbage` } })).status).toBe(400);
  expect((await http('PATCH', `/api/servers/${ids[1]}`, { authType: 'password' })).status).toBe(400);
  const failedLogin = await http('POST', '/api/servers', { ...passwordServer('wrong'), credentials: { password: `${ssh.password}x` } });
  expect((await http('POST', `/api/servers/${failedLogin.body.id}/test`)).body.error.code).toBe('auth_failed');
  const list = await http('GET', '/api/servers');
  expect(list.body.servers.length).toBeGreaterThanOrEqual(5);
  for (const s of list.body.servers) expect(s.hasCredentials).toBe(true);
  for (const id of ids) await http('GET', `/api/servers/${id}`);
  await http('GET', `/api/servers/${ids[2]}`, undefined, t.tokens.admin);

  // --- MCP: the same cycle.
  const added = await tool('add_server', { name: 'mcp-pw', host: ssh.host, port: ssh.port, username: ssh.username, auth_type: 'password', credentials: { password: ssh.password } });
  expect(added.isError).toBe(false);
  const mcpId = added.structured.id as string;
  expect(added.structured.hasCredentials).toBe(true);
  expect((await tool('test_connection', { server_id: mcpId })).structured.ok).toBe(true);
  expect((await tool('update_server', { server_id: mcpId, name: 'mcp-renamed' })).structured).toMatchObject({ name: 'mcp-renamed', hasCredentials: true });
  expect((await tool('test_connection', { server_id: mcpId })).structured.ok).toBe(true);
  expect((await tool('update_server', { server_id: mcpId, auth_type: 'key', credentials: { privateKey: readKey(ssh.keys.rsa) } })).structured.authType).toBe('key');
  expect((await tool('test_connection', { server_id: mcpId })).structured.ok).toBe(true);
  expect((await tool('add_server', { name: 'mcp-bad', host: ssh.host, username: ssh.username, auth_type: 'key', credentials: { privateKey: readKey(ssh.keys.ed25519Encrypted), passphrase: 'nope' } })).isError).toBe(true);
  expect((await tool('list_servers', {})).structured.servers.length).toBeGreaterThanOrEqual(6);
  await tool('get_server', { server_id: mcpId });
  expect((await tool('delete_server', { server_id: mcpId })).structured).toEqual({ deleted: true, serverId: mcpId });

  // --- Nothing leaked in what the clients received.
  expect(seen.length).toBeGreaterThan(30);
  expect(leaksIn(seen.join('\n'), needles)).toEqual([]);

  // --- ... nor in the logs (the kernel logs at debug level in tests).
  const logs = t.logs();
  expect(logs.length).toBeGreaterThan(10);
  expect(leaksIn(logs.join('\n'), needles)).toEqual([]);

  // --- ... nor in the database (its files on SQLite, every row on PostgreSQL): only sealed values are stored.
  const ds = t.kernel.dataSource;
  const rows = await runSql<{ id: string; credentialsSealed: string }>(ds, 'SELECT id, "credentialsSealed" FROM servers');
  expect(rows.length).toBeGreaterThanOrEqual(5);
  for (const row of rows) expect(row.credentialsSealed).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9+/]+=*$/);
  const stored = await storedData(t);
  // What was read is the real store: the sealed values are in it.
  expect(stored).toContain(rows[0].credentialsSealed);
  expect(leaksIn(stored, needles)).toEqual([]);
});
