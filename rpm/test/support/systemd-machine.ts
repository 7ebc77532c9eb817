import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './rpm-build';

// The test bed's Debian 12 system container image (systemd 252 as PID 1), built by
// scripts/testbed/fresh-debian-image.sh; its module builds the image when it is missing.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const freshServer = require(path.join(REPO_ROOT, 'scripts', 'testbed', 'fresh-server.js')) as {
  ensureFreshDebianImage(): Promise<void>;
  FRESH_IMAGE: string;
};

const DOCKER = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
/** Label on the containers these tests start (`docker ps --filter label=...` finds leftovers). */
export const RPM_CHECK_LABEL = 'org.tomo.testbed.rpm-check';

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A throwaway machine with systemd as PID 1: a container of the test bed's fresh Debian 12 image. */
export class SystemdMachine {
  private constructor(readonly id: string) {}

  /** Starts a container the way scripts/testbed/fresh-server.js does (no SSH port, no users) and waits for systemd. */
  static async start(): Promise<SystemdMachine> {
    await freshServer.ensureFreshDebianImage();
    const name = `tomo-rpm-check-${randomBytes(4).toString('hex')}`;
    const run = spawnSync(
      DOCKER,
      [
        'run', '-d',
        '--name', name,
        '--hostname', name,
        '--label', `${RPM_CHECK_LABEL}=1`,
        '--stop-signal', 'SIGRTMIN+3',
        // What systemd needs to set up the unit's sandbox (namespaces, seccomp).
        '--cap-add', 'SYS_ADMIN',
        '--security-opt', 'seccomp=unconfined',
        '--security-opt', 'apparmor=unconfined',
        '-v', '/sys/fs/cgroup:/sys/fs/cgroup:ro',
        '--tmpfs', '/run:rw,nosuid,nodev,noexec,mode=755',
        '--tmpfs', '/run/lock:rw,nosuid,nodev,noexec,mode=1777',
        freshServer.FRESH_IMAGE,
        '/sbin/init',
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`docker run ${freshServer.FRESH_IMAGE} failed: ${run.stderr}`);
    const machine = new SystemdMachine(run.stdout.trim());
    const deadline = Date.now() + 60000;
    for (;;) {
      const state = machine.run(['systemctl', 'is-system-running']).stdout.trim();
      if (state === 'running' || state === 'degraded') break;
      if (Date.now() > deadline) {
        machine.remove();
        throw new Error(`systemd in ${name} did not come up (state: ${state})`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return machine;
  }

  /** Runs a command inside (argv, no shell), optionally with standard input. */
  run(argv: string[], input?: string): Result {
    const res = spawnSync(DOCKER, ['exec', '-i', this.id, ...argv], { input: input ?? '', encoding: 'utf8', timeout: 120000, maxBuffer: 16 * 1024 * 1024 });
    return { status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
  }

  /** Runs a command inside and returns its output; throws unless it exits 0. */
  must(argv: string[], input?: string): string {
    const res = this.run(argv, input);
    if (res.status !== 0) throw new Error(`${argv.join(' ')} exited ${res.status}:\n${res.stderr}${res.stdout}`);
    return res.stdout;
  }

  copyIn(from: string, to: string): void {
    const res = spawnSync(DOCKER, ['cp', from, `${this.id}:${to}`], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`docker cp ${from} ${to}: ${res.stderr}`);
  }

  remove(): void {
    spawnSync(DOCKER, ['rm', '-f', this.id], { encoding: 'utf8' });
  }
}
