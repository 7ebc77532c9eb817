import type { DetectedOs, Privilege, StepContext } from '../preparer-types';
import { StepFailure } from '../step-failure';
import { parseOsRelease } from '../preparers/parse-os-release';

/** Reads `/etc/os-release` and the architecture as the SSH user (no privilege needed, nothing changed). */
export async function detectOs(run: StepContext['run']): Promise<DetectedOs> {
  const release = await run(['cat', '/etc/os-release']);
  if (release.exitCode !== 0) throw new StepFailure('Cannot read /etc/os-release: Tomo cannot tell which OS this server runs', release.stderr.slice(-500));
  const arch = await run(['uname', '-m']);
  return parseOsRelease(release.stdout, arch.stdout.trim() || 'unknown');
}

/**
 * How commands get root: the SSH user is root, has passwordless sudo, or sudo accepting the
 * password on stdin. Checked before any change; none of them → a clear error and nothing done.
 */
export async function detectPrivilege(run: StepContext['run'], sudoPassword: string | null): Promise<Privilege> {
  const uid = await run(['id', '-u']);
  if (uid.stdout.trim() === '0') return 'root';
  const nopasswd = await run(['sudo', '-n', 'true']);
  if (nopasswd.exitCode === 0) return 'sudo-nopasswd';
  if (sudoPassword) {
    const withPassword = await run(['sudo', '-S', '-k', '-p', '', 'true'], { stdin: `${sudoPassword}\n` });
    if (withPassword.exitCode === 0) return 'sudo-password';
  }
  throw new StepFailure(
    sudoPassword
      ? 'The SSH user cannot become root: it is not root, has no passwordless sudo, and sudo refused the password. Nothing was changed.'
      : 'The SSH user cannot become root: it is not root and has no passwordless sudo (for sudo with a password, log in with a password or give the sudo password). Nothing was changed.',
  );
}

/** Wraps argv so it runs as root with the detected privilege. */
export function asRoot(privilege: Privilege, argv: readonly string[], sudoPassword: string | null, stdin?: string): { argv: string[]; stdin?: string } {
  switch (privilege) {
    case 'root':
      return { argv: [...argv], stdin };
    case 'sudo-nopasswd':
      return { argv: ['sudo', '-n', '--', ...argv], stdin };
    case 'sudo-password':
      // -k: never rely on a cached timestamp, so sudo always consumes the password line and the
      // command never reads it as its own input.
      return { argv: ['sudo', '-S', '-k', '-p', '', '--', ...argv], stdin: `${sudoPassword ?? ''}\n${stdin ?? ''}` };
  }
}
