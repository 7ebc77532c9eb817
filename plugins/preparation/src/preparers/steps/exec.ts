import type { ExecResult } from '@tomo/plugin-servers/api';

/** Package-manager commands download and unpack: far longer than the servers plugin's default deadline. */
export const PACKAGE_TIMEOUT_MS = 20 * 60_000;
/** One download with curl (it also gets `--connect-timeout`, so an unreachable host fails fast). */
export const DOWNLOAD_TIMEOUT_MS = 2 * 60_000;
/** Starting and removing one container. */
export const CONTAINER_TIMEOUT_MS = 2 * 60_000;
/** curl's connect deadline, in seconds: a firewall that drops packets must not hold a step for minutes. */
export const CURL_CONNECT_TIMEOUT_S = '20';

/** A command succeeded: exit code 0 (a command killed by a signal has none). */
export function succeeded(result: ExecResult): boolean {
  return result.exitCode === 0;
}

/** The end of what a command printed (stderr first, else stdout): the detail of a {@link StepFailure}. */
export function outputTail(result: ExecResult, lines = 20): string {
  const text = result.stderr.trim() || result.stdout.trim();
  return text.split('\n').slice(-lines).join('\n');
}

/** How a command ended, for messages: `exit code 100`, `signal SIGKILL`. */
export function describeExit(result: ExecResult): string {
  return result.exitCode === null ? `signal ${result.signal ?? 'unknown'}` : `exit code ${result.exitCode}`;
}
