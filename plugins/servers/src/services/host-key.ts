import { createHash } from 'node:crypto';

/** A server's public host key as the user compares it with `ssh-keygen -lf`. */
export interface HostKeyInfo {
  /** `SHA256:<base64 without padding>`, the OpenSSH format. */
  fingerprint: string;
  /** The key type from the key blob, e.g. `ssh-ed25519`. */
  algorithm: string;
}

/** Fingerprint and type of a raw SSH public key blob (what ssh2's `hostVerifier` receives). */
export function describeHostKey(blob: Buffer): HostKeyInfo {
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  let algorithm = 'unknown';
  if (blob.length >= 4) {
    const length = blob.readUInt32BE(0);
    if (length > 0 && length < 64 && blob.length >= 4 + length) algorithm = blob.subarray(4, 4 + length).toString('ascii');
  }
  return { fingerprint, algorithm };
}
