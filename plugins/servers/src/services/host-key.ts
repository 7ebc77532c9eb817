import { createHash } from 'node:crypto';
import type { HostKeyInfo } from '../contract/ssh-types';

export type { HostKeyInfo } from '../contract/ssh-types';

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
