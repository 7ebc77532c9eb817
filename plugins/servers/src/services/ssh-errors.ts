import { AppError } from '@tomo/kernel';
import type { SshErrorCode } from '../contract/ssh-failure';

export type { SshErrorCode } from '../contract/ssh-failure';

const MESSAGES: Record<SshErrorCode, string> = {
  auth_failed: 'Authentication failed: the server refused the username, password or key',
  connection_refused: 'Connection refused: nothing listens on that port (is sshd running? is the port right?)',
  host_unreachable: 'Host unreachable: no route to the server (check the address and the network)',
  host_not_found: 'Host name not found: DNS does not know it',
  timed_out: 'Timed out: the server did not answer in time (firewall, wrong address, or the server is down)',
  host_key_changed:
    "Host key changed: the server presented a different key than the one trusted. This happens after a reinstall, or if someone is intercepting the connection. An admin must check and accept the new key",
  connection_lost: 'Connection lost: the SSH connection closed during the operation',
  command_timed_out: 'The command did not finish before its deadline and was stopped',
  key_invalid: 'The private key could not be read',
  forward_refused: 'The server refused to forward the connection (is the socket or port there, and does sshd allow forwarding?)',
  file_not_found: 'No such file on the server',
  file_refused: 'The server refused the file operation (permission denied, a missing folder, or a full disk)',
  file_too_large: 'The file on the server is larger than allowed',
  ssh_failed: 'SSH connection failed',
};

/**
 * An SSH failure. HTTP 502: the fault is between Tomo and the server, not in the request. Other
 * plugins recognise it with `isSshError` from the contract (`sshCode` equals `code`).
 */
export class SshError extends AppError {
  constructor(
    readonly sshCode: SshErrorCode,
    detail?: string,
  ) {
    super(502, sshCode, detail ? `${MESSAGES[sshCode]} (${detail})` : MESSAGES[sshCode]);
    this.name = 'SshError';
  }
}

/** Maps what ssh2 or the socket raised to an {@link SshError}. Never copies secrets: only codes and fixed words. */
export function classifySshError(err: unknown, context: { hostKeyRejected?: boolean } = {}): SshError {
  if (err instanceof SshError) return err;
  if (context.hostKeyRejected) return new SshError('host_key_changed');
  const e = err as { code?: string; level?: string; message?: string };
  const message = e?.message ?? '';
  if (e?.level === 'client-authentication' || /All configured authentication methods failed/i.test(message)) return new SshError('auth_failed');
  switch (e?.code) {
    case 'ECONNREFUSED':
      return new SshError('connection_refused');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new SshError('host_unreachable');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SshError('host_not_found');
    case 'ETIMEDOUT':
      return new SshError('timed_out');
    case 'ECONNRESET':
    case 'EPIPE':
      return new SshError('connection_lost');
    default:
      break;
  }
  if (/timed out while waiting for handshake/i.test(message)) return new SshError('timed_out');
  // Only a key our verifier refused is a changed key; "no matching host key format" and the like
  // are negotiation failures (ssh2's fixed words, no secret in them: kept as the detail).
  if (/Host denied/i.test(message)) return new SshError('host_key_changed');
  if (e?.level === 'handshake' && /^Handshake failed: no matching [\w ]+$/.test(message)) return new SshError('ssh_failed', message.slice('Handshake failed: '.length));
  if (/Not connected|No response from server|connection lost|closed/i.test(message)) return new SshError('connection_lost');
  return new SshError('ssh_failed', e?.code ?? undefined);
}
