/**
 * The servers plugin's input rules (src/schemas.ts), checked in the browser for quick feedback.
 * The server checks them again and has the last word. Each function returns a message for the
 * user, or undefined when the value is fine.
 */

/** Characters a shell would read: not allowed in a server name. */
export const SHELL_METACHARACTERS = '$ ` ; | & < > \\ " \' * ? { } [ ] ! # ~';
const SHELL_META = /[$`;|&<>\\"'*?{}[\]!#~]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const SSH_USERNAME = /^[A-Za-z0-9_][A-Za-z0-9._@-]*$/;

/** Longest password, private key and passphrase the server accepts. */
export const PASSWORD_MAX = 4096;
export const PRIVATE_KEY_MAX = 32768;
export const PASSPHRASE_MAX = 4096;

/** A name for the server: 1–64 characters, nothing a shell or a log line could misread. */
export function checkServerName(value: string): string | undefined {
  if (value.trim() === '') return 'Enter a name, e.g. "nas" or "web-1"';
  if (value.length > 64) return 'Use at most 64 characters';
  if (CONTROL.test(value)) return 'Do not use control characters or line breaks';
  if (value.trim() !== value) return 'Remove the spaces at the start or end';
  if (value.startsWith('-')) return 'Do not start the name with "-"';
  if (SHELL_META.test(value)) return `Do not use any of ${SHELL_METACHARACTERS}`;
  return undefined;
}

/** True for an IPv6 literal (without brackets), as the browser's URL parser reads it. */
export function isIpv6(value: string): boolean {
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value)) return false;
  try {
    new URL(`http://[${value}]/`);
    return true;
  } catch {
    return false;
  }
}

/** A DNS name or an IPv4/IPv6 literal. Common slips (a port, a user, brackets, a URL) get their own hint. */
export function checkHost(value: string): string | undefined {
  const host = value.trim();
  if (host === '') return 'Enter a host name or IP address';
  if (host.length > 253) return 'Use at most 253 characters';
  if (host !== value) return 'Remove the spaces at the start or end';
  if (host.startsWith('-')) return 'Do not start the host with "-"';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return 'Enter only the host name or address, without "ssh://" or "http://"';
  if (host.includes('@')) return 'Enter only the host; put the user name in the Username field';
  if (/^\[.*\]$/.test(host)) return isIpv6(host.slice(1, -1)) ? 'Enter the IPv6 address without brackets' : 'Enter a valid IPv6 address, without brackets';
  if (/^[^:]+:\d+$/.test(host)) return 'Enter only the host; put the port in the Port field';
  if (HOSTNAME.test(host) || IPV4.test(host) || isIpv6(host)) return undefined;
  return 'Enter a DNS name (letters, digits, "-" and ".") or an IPv4/IPv6 address';
}

/** The SSH port as typed: a whole number from 1 to 65535. */
export function checkPort(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return 'Enter the SSH port (usually 22)';
  if (!/^\d+$/.test(text)) return 'Enter a whole number';
  const port = Number(text);
  if (port < 1 || port > 65535) return 'Use a port from 1 to 65535';
  return undefined;
}

/** The login name on the server. */
export function checkSshUsername(value: string): string | undefined {
  if (value.trim() === '') return 'Enter the user Tomo logs in as';
  if (value.length > 64) return 'Use at most 64 characters';
  if (!SSH_USERNAME.test(value)) return 'Use letters, digits, ".", "_", "@" and "-", not starting with "-" or "."';
  return undefined;
}

/** An SSH password (required unless `optional`). */
export function checkSshPassword(value: string, optional = false): string | undefined {
  if (value === '') return optional ? undefined : 'Enter the password';
  if (value.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters`;
  return undefined;
}

/** True for an OpenSSH public key line (`ssh-ed25519 AAAA… comment`), the usual wrong file. */
export function looksLikePublicKey(value: string): boolean {
  return /^\s*(ssh-(ed25519|rsa|dss)|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s+AAAA/.test(value);
}

/**
 * A pasted or loaded private key (required unless `optional`). Only its form is checked here;
 * whether it parses (and whether it needs a passphrase) the server says.
 */
export function checkPrivateKey(value: string, optional = false): string | undefined {
  if (value.trim() === '') return optional ? undefined : 'Paste the private key or load it from a file';
  if (value.length > PRIVATE_KEY_MAX) return 'This is too long for a private key';
  if (looksLikePublicKey(value)) return 'This is a public key (the .pub file); paste the private key';
  if (/^PuTTY-User-Key-File/.test(value.trim())) return 'PuTTY keys are not supported; export it in OpenSSH format first';
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(value) || !/-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(value)) {
    return 'Paste the whole private key, from "-----BEGIN" to "-----END … PRIVATE KEY-----"';
  }
  return undefined;
}

/** An optional passphrase; it only makes sense with a key. */
export function checkPassphrase(passphrase: string, privateKey: string): string | undefined {
  if (passphrase === '') return undefined;
  if (passphrase.length > PASSPHRASE_MAX) return `Use at most ${PASSPHRASE_MAX} characters`;
  if (privateKey.trim() === '') return 'Also give the private key this passphrase unlocks';
  return undefined;
}
