import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Identity } from 'age-encryption';
import { lazyModule } from '@tomo/kernel';
import { BackupError } from '../errors';

/** age-encryption and its @noble/@scure crypto load with the first export or import, not at start-up (issue 19, idle memory). */
const age = lazyModule<typeof import('age-encryption')>(require, 'age-encryption');

/**
 * The age file format (https://age-encryption.org/v1) with one passphrase (scrypt) recipient,
 * through the `age-encryption` package: a header holding the file key wrapped by
 * scrypt(password), then the payload in 64 KiB ChaCha20-Poly1305 chunks whose nonces count up
 * and whose last one is flagged, so changed, reordered, dropped or cut-off chunks fail to open.
 * The standard `age -d` opens these files.
 */

type Web = WebReadableStream<Uint8Array>;
const toWeb = (s: Readable) => Readable.toWeb(s) as unknown as ReadableStream<Uint8Array>;
const fromWeb = (s: ReadableStream<Uint8Array>) => Readable.fromWeb(s as unknown as Web);

/** Encrypts `plaintext` to the password. */
export async function encryptStream(plaintext: Readable, password: string, scryptWorkFactor: number): Promise<Readable> {
  const encrypter = new (age().Encrypter)();
  encrypter.setPassphrase(password);
  encrypter.setScryptWorkFactor(scryptWorkFactor);
  return fromWeb(await encrypter.encrypt(toWeb(plaintext)));
}

/** The end of an age header: the MAC line `--- <base64>\n`. Headers are small; 64 KiB is plenty. */
const MAX_HEADER = 64 * 1024;

/** Reads the age header (up to and including the MAC line) from the start of a file. */
export async function readHeader(source: Readable): Promise<Uint8Array> {
  let buf = Buffer.alloc(0);
  for await (const chunk of source) {
    buf = Buffer.concat([buf, chunk as Buffer]);
    const mac = buf.indexOf('\n--- ');
    if (mac >= 0) {
      const end = buf.indexOf('\n', mac + 5);
      if (end >= 0) {
        source.destroy();
        return buf.subarray(0, end + 1);
      }
    }
    if (buf.length > MAX_HEADER) break;
  }
  source.destroy();
  throw new BackupError('not_a_backup', 'This file is not a Tomo backup (no age header found): is it the right file?');
}

/** Maps a failure of the header to a message saying which of the user's problems it is. */
function headerFailure(err: unknown): BackupError {
  const message = err instanceof Error ? err.message : String(err);
  if (/no identity matched/.test(message)) return new BackupError('wrong_password', 'Wrong password: this backup does not open with it');
  if (/work factor is too high/.test(message)) return new BackupError('not_a_backup', 'This backup asks for more scrypt work than allowed: it was not made by Tomo');
  if (/not the only one|invalid version/.test(message)) return new BackupError('not_a_backup', 'This file is not a password-protected age file: is it a Tomo backup?');
  return new BackupError('damaged', 'The backup is damaged: its header does not check out (was the file changed?)');
}

/**
 * Opens the header with the password once and returns the file key: the expensive scrypt step
 * runs once, and later passes over the same file use {@link fileKeyIdentity}.
 */
export async function unlockFileKey(header: Uint8Array, password: string): Promise<Uint8Array> {
  const decrypter = new (age().Decrypter)();
  decrypter.addPassphrase(password);
  try {
    return await decrypter.decryptHeader(header);
  } catch (err) {
    throw headerFailure(err);
  }
}

/** An age identity that hands out a file key already unlocked. */
export function fileKeyIdentity(fileKey: Uint8Array): Identity {
  return { unwrapFileKey: () => fileKey };
}

/**
 * Decrypts an age file with an unlocked file key. Chunks that do not authenticate (a changed
 * byte, a file cut short even at a chunk boundary) surface as a {@link BackupError} `damaged`
 * from the returned stream, before the bytes of that chunk are handed on.
 */
export async function decryptStream(ciphertext: Readable, fileKey: Uint8Array): Promise<Readable> {
  const decrypter = new (age().Decrypter)();
  decrypter.addIdentity(fileKeyIdentity(fileKey));
  let web: ReadableStream<Uint8Array>;
  try {
    web = await decrypter.decrypt(toWeb(ciphertext));
  } catch (err) {
    throw headerFailure(err);
  }
  const plain = fromWeb(web);
  const out = new Readable({ read() {} });
  plain.on('data', (chunk: Buffer) => {
    if (!out.push(chunk)) plain.pause();
  });
  out._read = () => {
    plain.resume();
  };
  plain.on('end', () => out.push(null));
  plain.on('error', () => {
    out.destroy(new BackupError('damaged', 'The backup is damaged or cut short: part of it does not authenticate'));
  });
  return out;
}
