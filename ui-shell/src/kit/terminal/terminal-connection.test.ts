import { ApiError } from '../http';
import { FakeScreen, FakeTerminalSocket } from '../../test-utils/fake-terminal';
import type { TerminalRecord } from './terminal-api';
import { TerminalConnection, type TerminalStatus } from './terminal-connection';

const RECORD: TerminalRecord = {
  id: 'term-1',
  kind: 'server',
  serverId: 'srv-1',
  title: 'nas',
  createdAt: '2026-12-07T06:00:00.000Z',
  socketPath: '/api/terminals/term-1/socket',
};

function setup(create: () => Promise<TerminalRecord> = async () => RECORD, tuning: { graceMs?: number } = {}) {
  const sockets: FakeTerminalSocket[] = [];
  const screen = new FakeScreen();
  const statuses: TerminalStatus[] = [];
  const closed: string[] = [];
  const connection = new TerminalConnection({
    target: { serverId: 'srv-1' },
    screen,
    onStatus: (s) => statuses.push(s),
    openSocket: (url) => {
      const socket = new FakeTerminalSocket(url);
      sockets.push(socket);
      return socket;
    },
    api: { create, close: async (id, keepalive) => void closed.push(keepalive ? `${id} (keepalive)` : id) },
    retryDelaysMs: [10, 20],
    ...tuning,
  });
  return { connection, sockets, screen, statuses, closed, last: () => sockets[sockets.length - 1] };
}

afterEach(() => jest.useRealTimers());

describe('TerminalConnection', () => {
  it('creates the terminal, then opens its socket on this origin with the screen size, binary frames both ways', async () => {
    const { connection, sockets, screen, statuses } = setup();
    screen.cols = 132;
    screen.rows = 40;
    await connection.start();
    expect(sockets).toHaveLength(1);
    expect(sockets[0].url).toBe('ws://localhost/api/terminals/term-1/socket?cols=132&rows=40');
    expect(sockets[0].binaryType).toBe('arraybuffer');
    expect(connection.current.state).toBe('connecting');

    sockets[0].open('bash');
    expect(connection.current).toMatchObject({ state: 'open', shell: 'bash' });
    sockets[0].output('42\r\n');
    expect(screen.written).toBe('42\r\n');
    connection.input('echo $((6*7))\r');
    expect(sockets[0].typed).toBe('echo $((6*7))\r');
    connection.resize(100, 30);
    expect(sockets[0].controls).toContainEqual({ type: 'resize', cols: 100, rows: 30 });
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'open']);
  });

  it('shows the exit of the shell and does not reconnect after the server closes with 1000', async () => {
    const { connection, sockets, screen } = setup();
    await connection.start();
    sockets[0].open();
    sockets[0].json({ type: 'exit', code: 0, reason: 'exit' });
    sockets[0].drop(1000);
    expect(connection.current).toMatchObject({ state: 'ended', message: 'The shell ended with code 0.' });
    expect(screen.notices).toEqual([{ text: 'The shell ended with code 0.', tone: 'info' }]);
    expect(sockets).toHaveLength(1);
  });

  it("writes the server's error (an image without a shell) into the terminal and keeps its code", async () => {
    const { connection, sockets, screen } = setup();
    await connection.start();
    sockets[0].readyState = 1;
    const message = "This container's image has no shell (neither bash nor sh)";
    sockets[0].json({ type: 'error', code: 'no_shell', message });
    sockets[0].drop(1011);
    expect(connection.current).toMatchObject({ state: 'ended', code: 'no_shell', message });
    expect(screen.notices).toEqual([{ text: message, tone: 'error' }]);
  });

  it.each([
    [4408, 'The terminal was closed after being idle too long.'],
    [4409, 'This terminal was opened in another window or tab.'],
  ])('ends without reconnecting on close code %i', async (code, message) => {
    const { connection, sockets } = setup();
    await connection.start();
    sockets[0].open();
    sockets[0].drop(code);
    expect(connection.current).toMatchObject({ state: 'ended', message });
    expect(sockets).toHaveLength(1);
  });

  it('re-attaches after a drop: Reconnecting…, the same socket path again, resumed, and the current size sent', async () => {
    jest.useFakeTimers();
    const { connection, sockets, screen } = setup();
    await connection.start();
    sockets[0].open();
    sockets[0].drop(1006);
    expect(connection.current.state).toBe('reconnecting');
    expect(screen.notices.map((n) => n.text)).toEqual(['Connection lost. Reconnecting…']);
    connection.input('lost keys');
    jest.advanceTimersByTime(10);
    expect(sockets).toHaveLength(2);
    // The first attempt fails (the network is still down); the next one gets through.
    sockets[1].drop(1006);
    jest.advanceTimersByTime(20);
    expect(sockets).toHaveLength(3);
    screen.cols = 90;
    sockets[2].open('bash', true);
    expect(sockets[2].path).toBe('/api/terminals/term-1/socket');
    expect(connection.current.state).toBe('open');
    expect(screen.notices.map((n) => n.text)).toEqual(['Connection lost. Reconnecting…', 'Reconnected.']);
    expect(sockets[2].controls).toEqual([{ type: 'resize', cols: 90, rows: 24 }]);
    expect(sockets.map((s) => s.typed).join('')).toBe('');
  });

  it('gives up once the grace period is over', async () => {
    jest.useFakeTimers();
    const { connection, sockets } = setup(undefined, { graceMs: 50 });
    await connection.start();
    sockets[0].open();
    sockets[0].drop(1006);
    for (let i = 0; i < 10 && connection.current.state === 'reconnecting'; i++) {
      jest.advanceTimersByTime(20);
      sockets[sockets.length - 1].drop(1006);
    }
    expect(connection.current).toMatchObject({ state: 'ended', message: 'The connection could not be restored; the shell was closed.' });
    expect(sockets.length).toBeGreaterThan(1);
    expect(sockets.length).toBeLessThan(6);
  });

  it('a socket refused before it was ever ready ends the terminal (no reconnect loop)', async () => {
    const { connection, sockets } = setup();
    await connection.start();
    sockets[0].drop(1006);
    expect(connection.current).toMatchObject({ state: 'ended', message: 'The terminal could not be connected.' });
    expect(sockets).toHaveLength(1);
  });

  it("shows the server's refusal of the creation (the cap) and opens no socket", async () => {
    const { connection, sockets, screen } = setup(async () => {
      throw new ApiError(429, 'terminal_limit', 'You have 4 terminals open, the most allowed (terminal.maxPerUser)');
    });
    await connection.start();
    expect(connection.current).toMatchObject({ state: 'ended', code: 'terminal_limit', message: 'You have 4 terminals open, the most allowed (terminal.maxPerUser)' });
    expect(screen.notices[0].tone).toBe('error');
    expect(sockets).toHaveLength(0);
  });

  it('dispose closes the socket and deletes the terminal; a terminal created after dispose is deleted at once', async () => {
    const { connection, sockets, closed } = setup();
    await connection.start();
    sockets[0].open();
    connection.dispose();
    expect(sockets[0].closedWith).toBe(1000);
    expect(closed).toEqual(['term-1']);

    let resolve!: (r: TerminalRecord) => void;
    const late = setup(() => new Promise((r) => (resolve = r)));
    const starting = late.connection.start();
    late.connection.dispose();
    resolve(RECORD);
    await starting;
    expect(late.closed).toEqual(['term-1']);
    expect(late.sockets).toHaveLength(0);
  });

  it('dispose while the page unloads sends the DELETE with keepalive; an ended terminal is not deleted again', async () => {
    const unloading = setup();
    await unloading.connection.start();
    unloading.sockets[0].open();
    unloading.connection.dispose(true);
    expect(unloading.closed).toEqual(['term-1 (keepalive)']);

    const ended = setup();
    await ended.connection.start();
    ended.sockets[0].open();
    ended.sockets[0].drop(4409);
    ended.connection.dispose();
    expect(ended.closed).toEqual([]);
  });
});
