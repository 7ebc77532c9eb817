import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseMarkdown } from '../../docs/support/markdown';
import { onFreePort } from '../../../test-support/ports';

const ADMIN_GUIDE = path.resolve(__dirname, '../../../docs/admin-guide.md');

/**
 * The admin guide's nginx config for two instances (`<!-- check: nginx-two-instances -->`), as
 * a reader would adapt it to a test machine: the two instances' addresses, plain HTTP on a
 * loopback port instead of TLS on 443 (no certificate), and no port-80 redirect. Everything else
 * (the hashing upstreams, the failover, the stream locations) is the guide's own text.
 */
export function nginxSiteFromGuide(a: number, b: number, port: number): string {
  const block = parseMarkdown(fs.readFileSync(ADMIN_GUIDE, 'utf8')).fences.find((f) => f.markers.check === 'nginx-two-instances');
  if (!block) throw new Error('docs/admin-guide.md has no <!-- check: nginx-two-instances --> block');
  const site = block.content
    .replaceAll('10.0.0.11:8080', `127.0.0.1:${a}`)
    .replaceAll('10.0.0.12:8080', `127.0.0.1:${b}`)
    // The redirect server (listen 80 … return 301) goes: its port may be taken and TLS is left out.
    .replace(/server \{\s*listen 80;[\s\S]*?return 301[^\n]*\n\}\n/, '')
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${port};`)
    .split('\n')
    .filter((line) => !/listen \[::\]:443|ssl_certificate|Strict-Transport-Security/.test(line))
    .join('\n');
  if (!site.includes(`listen 127.0.0.1:${port};`) || site.includes('443')) throw new Error('the guide\'s nginx block no longer has the expected shape (listen 443 ssl http2, a port-80 redirect)');
  return site;
}

/** A running nginx (foreground, own prefix folder), and how to stop it. */
export interface RunningNginx {
  url: string;
  stop(): Promise<void>;
}

function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx']) if (fs.existsSync(candidate)) return candidate;
  throw new Error('nginx is not installed: run `sudo bash scripts/testbed.sh`');
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 10000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts nginx with the guide's two-instance config in front of ports `a` and `b`. */
export function startNginx(dir: string, a: number, b: number): Promise<RunningNginx> {
  return onFreePort(async (port) => {
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${path.join(dir, t)};`).join('\n');
    const log = path.join(dir, 'error.log');
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, `pid ${path.join(dir, 'nginx.pid')};\nerror_log ${log};\nevents {}\nhttp {\n    access_log off;\n${temp}\n${nginxSiteFromGuide(a, b, port)}}\n`);
    const tested = spawnSync(nginxBinary(), ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
    if (tested.status !== 0) throw new Error(`nginx -t refused the guide's config: ${tested.stderr}`);
    const child = spawn(nginxBinary(), ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
    try {
      await waitForPort(port, child, log);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return {
      url: `http://127.0.0.1:${port}`,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGQUIT');
        }),
    };
  });
}
