/**
 * Acceptance 7: the servers tools through the real MCP SDK client against the real sshd:
 * add_server -> test_connection -> list_servers / get_server -> update_server -> delete_server,
 * never a credential in a result, and bad arguments answered with a tool error naming them.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { readKey, startServersKernel, testbed, type ServersKernel } from './support/servers-kernel';

// Real sshd round trips (and PAM's ~2 s delay on a wrong password) need more than jest's 5 s under load.
jest.setTimeout(20000);

let t: ServersKernel;
let alice: Client;

beforeAll(async () => {
  t = await startServersKernel();
  alice = await connectMcp(t.url, t.tokens.alice);
});
afterAll(async () => {
  await alice?.close();
  await t?.stop();
});

const call = async (client: Client, name: string, args: Record<string, unknown>) => resultText(await client.callTool({ name, arguments: args }));

/** A tool result must never hold a credential field or a secret value. */
function expectNoCredentials(text: string): void {
  const { ssh } = testbed();
  expect(text).not.toMatch(/"(credentials|credentialsSealed|password|privateKey|passphrase)"\s*:/);
  expect(text).not.toContain(ssh.password);
  expect(text).not.toContain(readKey(ssh.keys.ed25519).split('\n')[1]);
}

test('the tools are listed with their argument schemas and annotations', async () => {
  const { tools } = await alice.listTools();
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  for (const name of ['add_server', 'test_connection', 'list_servers', 'get_server', 'update_server', 'delete_server', 'accept_host_key']) expect(byName.has(name)).toBe(true);
  const add = byName.get('add_server')!;
  expect(add.inputSchema.required).toEqual(expect.arrayContaining(['name', 'host', 'username', 'auth_type', 'credentials']));
  expect(Object.keys(add.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['port', 'auth_type', 'credentials']));
  expect(byName.get('delete_server')!.annotations?.destructiveHint).toBe(true);
  expect(byName.get('list_servers')!.annotations?.readOnlyHint).toBe(true);
});

test('add_server -> test_connection -> list/get -> update_server -> delete_server', async () => {
  const { ssh } = testbed();
  const added = await call(alice, 'add_server', { name: 'mcp-box', host: ssh.host, port: ssh.port, username: ssh.username, auth_type: 'password', credentials: { password: ssh.password } });
  expect(added.isError).toBe(false);
  expect(added.structured).toMatchObject({ name: 'mcp-box', host: ssh.host, port: ssh.port, authType: 'password', hasCredentials: true, status: 'unknown', hostKey: null });
  expectNoCredentials(added.text);
  const id = added.structured.id as string;

  const tested = await call(alice, 'test_connection', { server_id: id });
  expect(tested.isError).toBe(false);
  expect(tested.structured).toMatchObject({ ok: true, status: 'online', hostKey: { firstSeen: true, fingerprint: expect.stringMatching(/^SHA256:/) }, facts: { kernel: expect.any(String) } });
  const again = await call(alice, 'test_connection', { server_id: id });
  expect(again.structured.hostKey.firstSeen).toBe(false);

  const listed = await call(alice, 'list_servers', {});
  expect(listed.structured.servers).toEqual([expect.objectContaining({ id, status: 'online', hasCredentials: true, hostKey: expect.objectContaining({ fingerprint: tested.structured.hostKey.fingerprint }) })]);
  expectNoCredentials(listed.text);
  const got = await call(alice, 'get_server', { server_id: id });
  expect(got.structured).toMatchObject({ id, status: 'online', facts: tested.structured.facts, pendingHostKey: null });
  expectNoCredentials(got.text);

  // Switch to key authentication; the connection still works with the new credentials.
  const updated = await call(alice, 'update_server', { server_id: id, name: 'mcp-box-2', auth_type: 'key', credentials: { privateKey: readKey(ssh.keys.ed25519) } });
  expect(updated.isError).toBe(false);
  expect(updated.structured).toMatchObject({ id, name: 'mcp-box-2', authType: 'key', hasCredentials: true, status: 'unknown' });
  expectNoCredentials(updated.text);
  expect((await call(alice, 'test_connection', { server_id: id })).structured).toMatchObject({ ok: true, hostKey: { firstSeen: false } });

  const deleted = await call(alice, 'delete_server', { server_id: id });
  expect(deleted.structured).toEqual({ deleted: true, serverId: id });
  const gone = await call(alice, 'get_server', { server_id: id });
  expect(gone).toMatchObject({ isError: true, error: { code: 'not_found' } });
  expect((await call(alice, 'list_servers', {})).structured.servers).toEqual([]);
});

test('test_connection reports a failure as a result with a code', async () => {
  const { ssh } = testbed();
  const added = await call(alice, 'add_server', { name: 'mcp-wrong', host: ssh.host, port: ssh.port, username: ssh.username, auth_type: 'password', credentials: { password: 'wrong-password' } });
  const res = await call(alice, 'test_connection', { server_id: added.structured.id });
  expect(res.isError).toBe(false);
  expect(res.structured).toMatchObject({ ok: false, status: 'error', error: { code: 'auth_failed' } });
  await call(alice, 'delete_server', { server_id: added.structured.id });
});

test('bad arguments: a tool error naming the argument, and nothing stored', async () => {
  const { ssh } = testbed();
  const base = { name: 'bad', host: ssh.host, port: ssh.port, username: ssh.username, auth_type: 'password', credentials: { password: 'x' } };
  const { auth_type: _a, ...noAuthType } = base;
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['add_server', noAuthType, 'auth_type'],
    ['add_server', { ...base, auth_type: 'token' }, 'auth_type'],
    ['add_server', { ...base, port: 70000 }, 'port'],
    ['add_server', { ...base, port: '22' }, 'port'],
    ['add_server', { ...base, host: 'bad host' }, 'host'],
    ['add_server', { ...base, authType: 'password' }, 'authType'],
    ['add_server', { ...base, credentials: { password: '' } }, 'credentials.password'],
    ['add_server', { ...base, credentials: { password: 'x', token: 'y' } }, 'credentials.token'],
    ['add_server', { ...base, auth_type: 'key', credentials: { privateKey: 'not a key' } }, 'credentials.privateKey'],
    ['add_server', { ...base, auth_type: 'key', credentials: { privateKey: readKey(`${ssh.keys.ed25519}.pub`) } }, 'credentials.privateKey'],
    ['add_server', { ...base, auth_type: 'key', credentials: { privateKey: readKey(ssh.keys.ed25519Encrypted) } }, 'credentials.passphrase'],
    ['get_server', { server_id: 'not-a-uuid' }, 'server_id'],
    ['get_server', {}, 'server_id'],
    ['test_connection', { server_id: 'x' }, 'server_id'],
    ['update_server', { server_id: '00000000-0000-4000-8000-000000000000', port: 0 }, 'port'],
    ['delete_server', { server_id: 42 }, 'server_id'],
    ['list_servers', { owner: 'bob' }, 'owner'],
  ];
  for (const [name, args, field] of cases) {
    const res = await call(alice, name, args);
    expect({ name, field, isError: res.isError, text: res.text.startsWith(`validation_failed: ${field}: `) ? 'names it' : res.text }).toEqual({ name, field, isError: true, text: 'names it' });
    expect(res.error.field).toBe(field);
  }
  expect((await call(alice, 'list_servers', {})).structured.servers).toEqual([]);
});

test('accept_host_key is for admins; without a pending key it is a conflict', async () => {
  const { ssh } = testbed();
  const added = await call(alice, 'add_server', { name: 'mcp-key', host: ssh.host, port: ssh.port, username: ssh.username, auth_type: 'password', credentials: { password: ssh.password } });
  const fingerprint = `SHA256:${'B'.repeat(43)}`;
  const asAlice = await call(alice, 'accept_host_key', { server_id: added.structured.id, fingerprint });
  expect(asAlice).toMatchObject({ isError: true, error: { code: 'forbidden' } });
  const admin = await connectMcp(t.url, t.tokens.admin);
  try {
    const asAdmin = await call(admin, 'accept_host_key', { server_id: added.structured.id, fingerprint });
    expect(asAdmin).toMatchObject({ isError: true, error: { code: 'conflict', field: 'fingerprint' } });
    const malformed = await call(admin, 'accept_host_key', { server_id: added.structured.id, fingerprint: 'MD5:ab:cd' });
    expect(malformed).toMatchObject({ isError: true, error: { code: 'validation_failed', field: 'fingerprint' } });
    expect(malformed.text).toMatch(/^validation_failed: fingerprint: /);
  } finally {
    await admin.close();
  }
  const anonymous = await connectMcp(t.url);
  try {
    expect(await call(anonymous, 'list_servers', {})).toMatchObject({ isError: true, error: { code: 'unauthorized' } });
  } finally {
    await anonymous.close();
  }
  await call(alice, 'delete_server', { server_id: added.structured.id });
});
