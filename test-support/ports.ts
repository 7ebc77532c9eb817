/**
 * Free TCP ports for tests: one helper instead of a copy per test folder.
 *
 * A port that was free when a test asked can be taken before the test binds it. Two things keep
 * that from failing a run:
 * - ports are picked below the kernel's ephemeral range (the range `listen(0)` and outgoing
 *   connections draw from), so the SSH, HTTP and Docker clients of tests running at the same time
 *   can never take one between the check and the bind;
 * - {@link onFreePort} starts the caller's server and, when start-up fails because the port was
 *   taken anyway (another test picked the same one), tries again on another port.
 * Where the program under test can bind port 0 and say which port it got, prefer that (see
 * `serveTomo` in plugins/auth/test/support/tomo-cli.ts): nothing is left to race.
 */
import fs from 'node:fs';
import net from 'node:net';

/** Lowest port handed out: above the well-known and most registered service ports. */
const LOWEST = 10000;
/** Linux's default start of the ephemeral range, used when /proc cannot be read. */
const DEFAULT_EPHEMERAL_START = 32768;
/** Ports tried by {@link freePort} before it gives up (each one a bind on the machine). */
const PICKS = 50;

/** The first port of the kernel's ephemeral range (`net.ipv4.ip_local_port_range`). */
function ephemeralStart(): number {
  try {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

/** True when nothing listens on `port` at `host` right now (a listener opened and closed at once). */
function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * A TCP port nothing listens on right now, outside the ephemeral range. Checked on `0.0.0.0` by
 * default, so a program listening on any IPv4 address (127.0.0.1, a Docker-published port) rules
 * the port out.
 *
 * @param host Where the port must be free.
 * @throws when no free port was found in {@link PICKS} tries.
 */
export async function freePort(host = '0.0.0.0'): Promise<number> {
  const highest = ephemeralStart() - 1;
  for (let i = 0; i < PICKS; i++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (await isFree(port, host)) return port;
  }
  throw new Error(`no free TCP port found between ${LOWEST} and ${highest} in ${PICKS} tries`);
}

/** True for an error that says a port was taken: Node's EADDRINUSE, or a message that says so. */
export function isPortInUse(error: unknown): boolean {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /EADDRINUSE|address already in use|port is in use/i.test(message);
}

/** Options of {@link onFreePort}. */
export interface OnFreePortOptions {
  /** Start-ups tried, each on a new port (default 5). */
  attempts?: number;
  /** Where the port must be free (default `0.0.0.0`). */
  host?: string;
}

/**
 * Starts something on a free port and returns what `start` returned. When `start` fails because
 * the port was taken in the meantime ({@link isPortInUse}), it is called again with another port;
 * any other failure is thrown at once. `start` must clean up after a failed attempt itself.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, options: OnFreePortOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(options.host);
    try {
      return await start(port);
    } catch (error) {
      if (attempt >= attempts || !isPortInUse(error)) throw error;
    }
  }
}
