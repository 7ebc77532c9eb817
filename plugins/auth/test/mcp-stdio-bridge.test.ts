import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { assertBuilt, runTomo, serveTomo, TOMO_BIN } from './support/tomo-cli';
import { resultText } from './support/mcp-client';

test('`tomo mcp` bridges a desktop MCP client over stdio to the running service with an API token', async () => {
  assertBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-bridge-'));
  const created = runTomo(['admin', 'create', '--username', 'desk', '--email', 'desk@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'desktop-user-password');
  expect(created.status).toBe(0);
  const server = await serveTomo({ TOMO_DATA_DIR: dataDir });
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'desk', password: 'desktop-user-password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const pat = (await (
      await fetch(`${server.url}/api/auth/tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'desktop' }) })
    ).json()) as { token: string };
    const tokenFile = path.join(dataDir, 'token');
    fs.writeFileSync(tokenFile, `${pat.token}\n`, { mode: 0o600 });

    const client = new Client({ name: 'desktop-client', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [TOMO_BIN, 'mcp', '--url', server.url, '--token-file', tokenFile], env: { PATH: process.env.PATH ?? '', TOMO_CONFIG: '/dev/null' } }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((x) => x.name)).toContain('get_current_user');
      const me = resultText(await client.callTool({ name: 'get_current_user', arguments: {} }));
      expect(me.structured).toMatchObject({ username: 'desk', role: 'admin' });
    } finally {
      await client.close();
    }

    const noToken = runTomo(['mcp', '--url', server.url], { TOMO_DATA_DIR: dataDir });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toMatch(/No API token/);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
