/**
 * Acceptance 5: shell and option injection through the server fields is refused at the door
 * (400 naming the field, nothing stored, nothing connected), and `exec` hands every argument to
 * the remote shell verbatim.
 */
import fs from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { passwordServer, startServersKernel, type ServersKernel } from './support/servers-kernel';
import { execOn, exists, markerPath, poolOf } from './support/ssh-helpers';

// Real sshd round trips (and PAM's ~2 s delay on a wrong password) need more than jest's 5 s under load.
jest.setTimeout(20000);

let t: ServersKernel;
let mcp: Client;
const markers: string[] = [];

beforeAll(async () => {
  t = await startServersKernel();
  mcp = await connectMcp(t.url, t.tokens.alice);
});
afterAll(async () => {
  await mcp?.close();
  await t?.stop();
  for (const m of markers) fs.rmSync(m, { force: true });
});

const marker = (): string => {
  const m = markerPath('inject');
  markers.push(m);
  return m;
};
const payloads = (m: string): string[] => [`$(touch ${m})`, `\`touch ${m}\``, `; touch ${m}`, `a\ntouch ${m}`, `-oProxyCommand=touch ${m}`];
const rowCount = async (): Promise<number> => Number((await t.kernel.dataSource.query('SELECT COUNT(*) AS n FROM servers'))[0].n);

describe.each(['host', 'username', 'name'] as const)('the %s field', (field) => {
  test('refuses every injection payload on add (HTTP and MCP) and on update, storing and connecting nothing', async () => {
    const m = marker();
    const before = await rowCount();
    const existing = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer(`victim-${field}`) });
    expect(existing.status).toBe(201);
    for (const payload of payloads(m)) {
      const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: { ...passwordServer(`n-${field}`), [field]: payload } });
      expect({ payload, status: added.status, field: added.body.error?.field }).toEqual({ payload, status: 400, field });
      expect(added.body.error.message).toMatch(new RegExp(`^${field}: `));

      const viaMcp = resultText(
        await mcp.callTool({ name: 'add_server', arguments: { name: 'mcp', host: '127.0.0.1', username: 'tomotest', auth_type: 'password', credentials: { password: 'x' }, [field]: payload } }),
      );
      expect(viaMcp.isError).toBe(true);
      expect(viaMcp.text).toMatch(new RegExp(`^validation_failed: ${field}: `));

      const updated = await t.request('PATCH', `/api/servers/${existing.body.id}`, { token: t.tokens.alice, body: { [field]: payload } });
      expect(updated.status).toBe(400);
      expect(updated.body.error.field).toBe(field);
      const viaMcpUpdate = resultText(await mcp.callTool({ name: 'update_server', arguments: { server_id: existing.body.id, [field]: payload } }));
      expect(viaMcpUpdate.text).toMatch(new RegExp(`^validation_failed: ${field}: `));
    }
    expect(await rowCount()).toBe(before + 1);
    const stored = await t.request('GET', `/api/servers/${existing.body.id}`, { token: t.tokens.alice });
    const { credentials: _credentials, ...fields } = passwordServer(`victim-${field}`);
    expect(stored.body).toMatchObject({ ...fields, status: 'unknown', updatedAt: existing.body.updatedAt });
    expect(poolOf(t).size).toBe(0);
    expect(exists(m)).toBe(false);
  });
});

test('exec passes each argument verbatim: nothing in it is run by the remote shell', async () => {
  const m = marker();
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer('quoting') });
  const id = added.body.id as string;
  const tricky = `$(touch ${m}); \`touch ${m}\`; 'quoted' "dq"\nline2`;
  const run = await execOn(t, id, ['printf', '%s', tricky]);
  expect(run).toMatchObject({ exitCode: 0, stdout: tricky, stderr: '' });

  // More: globs, variables, redirections, a leading dash, an empty argument, unicode.
  const args = ['*', '$HOME', `> ${m}`, `| touch ${m}`, `&& touch ${m}`, '-n', '', "it's", '\\', 'ünï ✓', `\${IFS}touch\${IFS}${m}`];
  const each = await execOn(t, id, ['printf', '[%s]', ...args]);
  expect(each.stdout).toBe(args.map((a) => `[${a}]`).join(''));
  expect(exists(m)).toBe(false);

  // A NUL byte cannot be quoted: refused before anything is sent.
  await expect(execOn(t, id, ['printf', 'a\0b'])).rejects.toThrow(/NUL/);
});
