import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import WebSocket from 'ws';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { ACTIVITY_MODULES, ACTIVITY_PLUGINS } from '../../../activity/test/support/activity-plugins';
import { ADMIN, ALICE, BOB, TEST_CATALOG } from '../../../apps/test/support/apps-kernel';
import { terminalPlugin } from '../../src/plugin';

export { ADMIN, ALICE, BOB };
export type TerminalKernel = TestKernel & { tokens: { admin: string; alice: string; bob: string }; ids: { alice: string; bob: string } };

/** A kernel with the terminal plugin and everything it depends on, an admin and two users logged in. */
export async function startTerminalKernel(terminal: Record<string, unknown> = {}): Promise<TerminalKernel> {
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-terminal-apps-'));
  const t = await startTestKernel({
    plugins: [...ACTIVITY_PLUGINS, terminalPlugin],
    modules: ACTIVITY_MODULES,
    config: { catalog: { dirs: [TEST_CATALOG] }, apps: { dataRoot, stopTimeoutSeconds: 1 }, monitoring: { intervalSeconds: 3600 }, backup: { scryptWorkFactor: 10 }, terminal },
  });
  const users = t.kernel.resolve(AuthTokens.UserService);
  const call = { transport: 'cli' as const, clientIp: 'local', requestId: 'test', log: t.kernel.logger };
  const ids = { alice: '', bob: '' };
  for (const [who, role] of [[ADMIN, 'admin'], [ALICE, 'user'], [BOB, 'user']] as const) {
    const user = await users.create({ ...who, email: `${who.username}@example.com`, role }, call);
    if (who === ALICE) ids.alice = user.id;
    if (who === BOB) ids.bob = user.id;
  }
  const login = async (who: { username: string; password: string }) => (await t.request('POST', '/api/auth/login', { body: who })).body.token as string;
  return Object.assign(t, { tokens: { admin: await login(ADMIN), alice: await login(ALICE), bob: await login(BOB) }, ids });
}

/** A terminal's socket as a test drives it: what it printed so far, its control messages, its close. */
export interface TestSocket {
  ws: WebSocket;
  output(): string;
  messages: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves when the output (since `from`) matches. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  waitForMessage(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  type(text: string): void;
}

/** Opens a terminal's socket; resolves when open, or rejects with the HTTP status of a refusal. */
export function openSocket(baseUrl: string, socketPath: string, options: { token?: string; headers?: Record<string, string>; cols?: number; rows?: number; query?: string } = {}): Promise<TestSocket> {
  const url = `${baseUrl.replace(/^http/, 'ws')}${socketPath}?${options.query ?? `cols=${options.cols ?? 80}&rows=${options.rows ?? 24}`}`;
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const ws = new WebSocket(url, { headers });
  // Decoded as it arrives (a burst of megabytes is checked in pieces, never re-joined whole).
  const decoder = new StringDecoder('utf8');
  let text = '';
  const messages: Array<Record<string, unknown>> = [];
  const listeners = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    if (isBinary) text += decoder.write(data as Buffer);
    else messages.push(JSON.parse(String(data)));
    for (const l of listeners) l();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const output = () => text;
  /** Matches `pattern` in the output after `from`, looking again only at what came since the last look (and a margin for a match across pieces). */
  const matcher = (pattern: RegExp, from: number) => {
    let seen = from;
    return () => {
      const start = Math.max(from, seen - 256);
      seen = text.length;
      return pattern.exec(text.slice(start))?.[0];
    };
  };
  const until = <T>(check: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const done = () => {
        const found = check();
        if (found === undefined) return;
        listeners.delete(done);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(done);
        reject(new Error(`${what} not seen within ${timeoutMs} ms; output so far: ${JSON.stringify(output().slice(-500))}; messages: ${JSON.stringify(messages)}`));
      }, timeoutMs);
      listeners.add(done);
      done();
    });
  const socket: TestSocket = {
    ws,
    output,
    messages,
    closed,
    waitFor: (pattern, from = 0, timeoutMs = 10000) => until(matcher(pattern, from), String(pattern), timeoutMs),
    waitForMessage: (type, timeoutMs = 10000) => until(() => messages.find((m) => m.type === type), `message ${type}`, timeoutMs),
    type: (text) => ws.send(Buffer.from(text), { binary: true }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.once('error', (err) => reject(err));
  });
}

/** The HTTP status a refused socket got. */
export async function refusal(promise: Promise<TestSocket>): Promise<{ status: number; body: string }> {
  try {
    const socket = await promise;
    socket.ws.close();
    return { status: 101, body: '' };
  } catch (err) {
    return { status: (err as { status?: number }).status ?? 0, body: (err as { body?: string }).body ?? String(err) };
  }
}
