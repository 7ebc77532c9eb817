/**
 * The one place Tomo quotes a value for a POSIX shell (ssh2's `exec` hands the remote side a
 * command string). Every argument is single-quoted, with embedded quotes closed, escaped and
 * reopened, so nothing a user types is ever interpreted by the remote shell.
 */
export function quoteShellArg(value: string): string {
  if (value.includes('\0')) throw new Error('A shell argument cannot contain a NUL byte');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
