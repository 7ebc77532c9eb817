/**
 * Acceptance 6: a user acts only on their own servers. Another user's server is "not found" on
 * every route and every MCP tool (indistinguishable from an id that does not exist), nothing
 * changes and nothing connects; an admin sees and manages everyone's servers.
 */
import { runSql } from '@tomo/kernel';
import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { passwordServer, startServersKernel, type ServersKernel } from './support/servers-kernel';
import { poolOf } from './support/ssh-helpers';

// Real sshd round trips (and PAM's ~2 s delay on a wrong password) need more than jest's 5 s under load.
jest.setTimeout(20000);

let t: ServersKernel;
let bobMcp: Client;
let aliceTested: string; // alice's server, tested once (status online)
let aliceFresh: string; // alice's server, never contacted
let bobsOwn: string;

beforeAll(async () => {
  t = await startServersKernel();
  bobMcp = await connectMcp(t.url, t.tokens.bob);
  const add = async (token: string, name: string) => {
    const res = await t.request('POST', '/api/servers', { token, body: passwordServer(name) });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  aliceTested = await add(t.tokens.alice, 'shared-name');
  aliceFresh = await add(t.tokens.alice, 'fresh');
  bobsOwn = await add(t.tokens.bob, 'shared-name'); // names are unique per owner only
  expect((await t.request('POST', `/api/servers/${aliceTested}/test`, { token: t.tokens.alice })).body.ok).toBe(true);
});
afterAll(async () => {
  await bobMcp?.close();
  await t?.stop();
});

const row = async (id: string) => (await runSql(t.kernel.dataSource, 'SELECT * FROM servers WHERE id = ?', [id]))[0];

test("bob gets 404 for alice's servers on every route, exactly as for an id that does not exist; nothing changes or connects", async () => {
  for (const id of [aliceTested, aliceFresh]) {
    const before = await row(id);
    const poolBefore = poolOf(t).size;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/servers/${id}`],
      ['PATCH', `/api/servers/${id}`, { name: 'taken-over' }],
      ['PATCH', `/api/servers/${id}`, { credentials: { password: 'bobs-password' } }],
      ['DELETE', `/api/servers/${id}`],
      ['POST', `/api/servers/${id}/test`],
    ];
    for (const [method, url, body] of calls) {
      const res = await t.request(method, url, { token: t.tokens.bob, body });
      const ghost = await t.request(method, url.replace(id, randomUUID()), { token: t.tokens.bob, body });
      expect({ method, url, status: res.status }).toEqual({ method, url, status: 404 });
      expect(res.body).toEqual(ghost.body);
      expect(JSON.stringify(res.body)).not.toContain(id);
    }
    // Accepting a host key is admin-only: 403 before the id is even looked at, so nothing is revealed.
    const accept = await t.request('POST', `/api/servers/${id}/host-key/accept`, { token: t.tokens.bob, body: { fingerprint: `SHA256:${'A'.repeat(43)}` } });
    const acceptGhost = await t.request('POST', `/api/servers/${randomUUID()}/host-key/accept`, { token: t.tokens.bob, body: { fingerprint: `SHA256:${'A'.repeat(43)}` } });
    expect(accept.status).toBe(403);
    expect(accept.body).toEqual(acceptGhost.body);

    const list = await t.request('GET', '/api/servers', { token: t.tokens.bob });
    expect(list.body.servers.map((s: { id: string }) => s.id)).toEqual([bobsOwn]);

    expect(await row(id)).toEqual(before);
    expect(poolOf(t).size).toBe(poolBefore);
  }
  // alice's never-contacted server: no connection and no check happened.
  expect(await row(aliceFresh)).toMatchObject({ status: 'unknown', lastCheckedAt: null, hostKeyFingerprint: null });
});

test("bob gets not_found from every MCP tool that takes alice's server_id", async () => {
  const before = await row(aliceFresh);
  const poolBefore = poolOf(t).size;
  for (const [name, extra] of [
    ['get_server', {}],
    ['update_server', { name: 'taken-over' }],
    ['test_connection', {}],
    ['delete_server', {}],
  ] as const) {
    const res = resultText(await bobMcp.callTool({ name, arguments: { server_id: aliceFresh, ...extra } }));
    const ghost = resultText(await bobMcp.callTool({ name, arguments: { server_id: randomUUID(), ...extra } }));
    expect({ name, isError: res.isError, code: res.error?.code }).toEqual({ name, isError: true, code: 'not_found' });
    expect(res.text).toBe(ghost.text);
  }
  const accept = resultText(await bobMcp.callTool({ name: 'accept_host_key', arguments: { server_id: aliceFresh, fingerprint: `SHA256:${'A'.repeat(43)}` } }));
  expect(accept.isError).toBe(true);
  expect(accept.error.code).toBe('forbidden');
  const list = resultText(await bobMcp.callTool({ name: 'list_servers', arguments: {} }));
  expect(list.structured.servers.map((s: { id: string }) => s.id)).toEqual([bobsOwn]);
  expect(await row(aliceFresh)).toEqual(before);
  expect(poolOf(t).size).toBe(poolBefore);
});

test("an admin sees both users' servers and may act on them; names stay unique per owner", async () => {
  const list = await t.request('GET', '/api/servers', { token: t.tokens.admin });
  expect(list.body.servers.map((s: { id: string }) => s.id).sort()).toEqual([aliceTested, aliceFresh, bobsOwn].sort());
  expect((await t.request('GET', `/api/servers/${bobsOwn}`, { token: t.tokens.admin })).body.ownerId).not.toBe(
    (await t.request('GET', `/api/servers/${aliceFresh}`, { token: t.tokens.admin })).body.ownerId,
  );
  expect((await t.request('POST', `/api/servers/${aliceFresh}/test`, { token: t.tokens.admin })).body.ok).toBe(true);

  // alice may not have two servers of one name, and neither may an admin give her a second one.
  const dup = await t.request('PATCH', `/api/servers/${aliceFresh}`, { token: t.tokens.alice, body: { name: 'shared-name' } });
  expect(dup.status).toBe(409);
  const dupByAdmin = await t.request('PATCH', `/api/servers/${aliceFresh}`, { token: t.tokens.admin, body: { name: 'shared-name' } });
  expect(dupByAdmin.status).toBe(409);
  expect(dupByAdmin.body.error.field).toBe('name');
  const renamed = await t.request('PATCH', `/api/servers/${aliceFresh}`, { token: t.tokens.admin, body: { name: 'renamed-by-admin' } });
  expect(renamed.body).toMatchObject({ name: 'renamed-by-admin', ownerId: (await row(aliceFresh)).ownerId });

  expect((await t.request('DELETE', `/api/servers/${bobsOwn}`, { token: t.tokens.admin })).status).toBe(204);
  expect((await t.request('GET', `/api/servers/${bobsOwn}`, { token: t.tokens.bob })).status).toBe(404);
});
