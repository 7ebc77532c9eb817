/**
 * Issue 10, "Injection corpus": every field that can reach a server (a server's name, host, user,
 * port and credentials, a preparation's sudo password, an install's app id, ports, settings and
 * capabilities, the same through MCP, and a backup's file name on the command line) gets shell
 * payloads. Each is either refused with an error naming the field, or carried verbatim as data
 * (a password that simply fails to log in, an env value Docker holds unchanged, a file of exactly
 * that name); the marker files the payloads would create never appear on the test bed's host,
 * which is where its sshd runs the commands, nor in Tomo's working folder.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { PreparationTokens } from '@tomo/plugin-preparation/api';
import { connectMcp, resultText } from '../../plugins/auth/test/support/mcp-client';
import { assertBuilt, runTomo } from '../../plugins/auth/test/support/tomo-cli';
import { addTestbedServer, localDocker, markPrepared, startAppsKernel, testbed, waitInstalled, type AppsKernel } from '../../plugins/apps/test/support/apps-kernel';
import { freePort } from '../../test-support/ports';
jest.setTimeout(180000);

const TAG = crypto.randomBytes(4).toString('hex');
/** Absolute marker (what a command on the server would create) and a relative one (for local shells). */
const MARKER = `/tmp/tomo-injection-${TAG}`;
const LOCAL_MARKER = `ti-${TAG}`;
const corpus = (m: string): string[] => [
  `$(touch ${m})`,
  `\`touch ${m}\``,
  `'; touch ${m}; '`,
  `"; touch ${m}; "`,
  `; touch ${m}`,
  `x\ntouch ${m}`,
  `| touch ${m}`,
  `&& touch ${m}`,
  `-oProxyCommand=touch ${m}`,
  `--help; touch ${m}`,
];
const PAYLOADS = corpus(MARKER);

let t: AppsKernel;
let mcp: Client;
let serverId: string;
let tried = 0;

beforeAll(async () => {
  t = await startAppsKernel();
  mcp = await connectMcp(t.url, t.tokens.alice);
  serverId = await addTestbedServer(t, t.tokens.alice, 'injection-target');
  await markPrepared(t, serverId);
});
afterAll(async () => {
  await mcp?.close();
  await t?.stop();
  fs.rmSync(MARKER, { force: true });
  console.log(`injection corpus: ${tried} attempts with ${PAYLOADS.length} payloads`);
});

const markersFound = () => [MARKER, path.join(process.cwd(), LOCAL_MARKER), path.join(os.tmpdir(), LOCAL_MARKER)].filter((f) => fs.existsSync(f));
const serverCount = async () => (await t.request('GET', '/api/servers', { token: t.tokens.admin })).body.length as number;

/** A refusal must be a 400 naming the field (the rule in the message), and nothing created. */
function expectRefused(res: { status: number; body: any }, field: string): void {
  tried += 1;
  expect(res.status).toBe(400);
  expect(res.body.error.field ?? '').toContain(field);
  expect(res.body.error.message.length).toBeGreaterThan(field.length);
}

test('adding or changing a server: name, host, user and port payloads are refused with the field named; nothing stored', async () => {
  const { ssh } = testbed();
  const valid = { name: 'ok-name', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } };
  const before = await serverCount();
  for (const p of PAYLOADS) {
    for (const field of ['name', 'host', 'username'] as const) {
      expectRefused(await t.request('POST', '/api/servers', { token: t.tokens.alice, body: { ...valid, [field]: p } }), field);
      expectRefused(await t.request('PATCH', `/api/servers/${serverId}`, { token: t.tokens.alice, body: { [field]: p } }), field);
    }
    expectRefused(await t.request('POST', '/api/servers', { token: t.tokens.alice, body: { ...valid, port: p } }), 'port');
  }
  expect(await serverCount()).toBe(before);
  expect((await t.request('GET', `/api/servers/${serverId}`, { token: t.tokens.alice })).body).toMatchObject({ name: 'injection-target', username: ssh.username });
  expect(markersFound()).toEqual([]);
});

test('passwords and sudo passwords are data: a payload password just fails to log in; a payload sudo password just fails', async () => {
  const { ssh } = testbed();
  for (const p of PAYLOADS.slice(0, 4)) {
    tried += 1;
    const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: { name: `pw-${tried}`, host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: p } } });
    expect(added.status).toBe(201);
    const test = await t.request('POST', `/api/servers/${added.body.id}/test`, { token: t.tokens.alice });
    expect(test.body.ok).toBe(false);
    expect(JSON.stringify(test.body)).toMatch(/auth/i);
    expect((await t.request('DELETE', `/api/servers/${added.body.id}`, { token: t.tokens.alice })).status).toBe(204);
  }
  // The test bed's user has no sudo: the payload is offered to sudo as a password on stdin, and refused.
  const prep = await addTestbedServer(t, t.tokens.alice, 'injection-prep');
  tried += 1;
  const started = await t.request('POST', `/api/servers/${prep}/preparation`, { token: t.tokens.alice, body: { sudoPassword: PAYLOADS[0] } });
  expect(started.status).toBe(202);
  await t.kernel.resolve(PreparationTokens.PreparationService).waitFor(prep);
  const status = (await t.request('GET', `/api/servers/${prep}/preparation`, { token: t.tokens.alice })).body;
  expect(status.status).toBe('failed');
  expect(JSON.stringify(status)).not.toContain(PAYLOADS[0]);
  expect(markersFound()).toEqual([]);
});

test('installing an app: app id, port and capability payloads are refused; settings reach Docker verbatim', async () => {
  for (const p of PAYLOADS) {
    const port = await freePort();
    expectRefused(await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: p } }), 'appId');
    expectRefused(await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': p } } }), 'ports');
    expectRefused(await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { [p]: port } } }), 'ports');
    expectRefused(await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.admin, body: { appId: 'web-hello', ports: { '80/tcp': port }, capabilities: [p] } }), 'capabilities');
    expectRefused(await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': port }, settings: { [p]: 'x' } } }), 'settings');
  }
  expect((await t.request('GET', `/api/servers/${serverId}/apps`, { token: t.tokens.alice })).body.installations).toEqual([]);

  // All payloads at once as one setting's value, and one each in the greeting: Docker holds them unchanged.
  tried += 1;
  const value = PAYLOADS.join(' ');
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() }, settings: { GREETING: value } } });
  expect(res.status).toBe(202);
  const installation = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  expect(installation.state).toBe('running');
  const env = (await localDocker().getContainer(installation.containerName).inspect()).Config.Env as string[];
  expect(env).toContain(`GREETING=${value}`);
  expect((await t.request('DELETE', `/api/apps/installations/${installation.id}?deleteData=true`, { token: t.tokens.alice })).status).toBe(200);
  expect(markersFound()).toEqual([]);
});

test('the same through MCP: add_server and install_app refuse the payloads as tool errors naming the field', async () => {
  const { ssh } = testbed();
  for (const p of PAYLOADS) {
    tried += 2;
    const server = resultText(await mcp.callTool({ name: 'add_server', arguments: { name: 'mcp-box', host: p, port: ssh.port, username: ssh.username, auth_type: 'password', credentials: { password: ssh.password } } }));
    expect(server.isError).toBe(true);
    expect(server.text).toMatch(/host/);
    const app = resultText(await mcp.callTool({ name: 'install_app', arguments: { server_id: serverId, app_id: p } }));
    expect(app.isError).toBe(true);
    expect(app.text).toMatch(/app_?[iI]d/);
  }
  expect(markersFound()).toEqual([]);
});

test("a backup's file name on the command line is a file name: the file is written under exactly that name", () => {
  assertBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-injection-backup-'));
  const dataDir = path.join(dir, 'data');
  const env = { TOMO_DATA_DIR: dataDir, TOMO_BACKUP_PASSWORD: 'backup-password-long-enough' };
  expect(runTomo(['migrate'], env).status).toBe(0);
  try {
    // A file name cannot hold "/", so these payloads touch a marker in the shell's own folder;
    // all of them in one name (each export starts Tomo once, which takes seconds).
    tried += 1;
    const output = path.join(dir, corpus(LOCAL_MARKER).filter((x) => !x.startsWith('-')).join(' '));
    const run = runTomo(['export', '--output', output], env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.existsSync(output)).toBe(true);
    // A name the file system refuses is one line naming --output, before any password is asked.
    const tooLong = runTomo(['export', '--output', path.join(dir, 'x'.repeat(300))], { TOMO_DATA_DIR: dataDir });
    expect(tooLong.status).toBe(2);
    expect(tooLong.stderr).toMatch(/^tomo export: --output: cannot write .*: ENAMETOOLONG: name too long\n$/);
    expect(fs.readdirSync(dir).filter((f) => f.includes(LOCAL_MARKER) && !f.includes('touch'))).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(markersFound()).toEqual([]);
});
