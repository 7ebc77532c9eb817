import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Raised when a sealed value cannot be opened: wrong key, wrong record, or tampered data. The message holds no secret. */
export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

/**
 * Encrypts secrets at rest (SSH passwords and keys, generated app secrets) with AES-256-GCM:
 * a fresh random 96-bit nonce per encryption, and the owning record's id bound as associated
 * data, so a ciphertext copied onto another record does not open. The master key lives in its
 * own file (mode 0600), never in the database.
 *
 * Sealed format: `v1.<key id>.<base64(nonce | ciphertext | tag)>`, where the key id is the first
 * 8 hex digits of SHA-256(key): a value sealed under another key is reported as such.
 */
export class SecretVault {
  /** First 8 hex digits of SHA-256(key): names the key in sealed values without revealing it. */
  readonly keyId: string;

  /** @param key the 32-byte master key; anything else throws {@link VaultError}. */
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new VaultError('The vault key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** Loads the key file, creating it (32 random bytes, mode 0600) on first start. */
  static fromKeyFile(file: string): SecretVault {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (!fs.existsSync(file)) {
      try {
        fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    const mode = fs.statSync(file).mode & 0o077;
    if (mode !== 0) throw new VaultError(`The vault key file ${file} must be readable by its owner only (chmod 600)`);
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new VaultError(`The vault key file ${file} does not hold a 32-byte base64 key`);
    return new SecretVault(key);
  }

  /** Seals `plaintext` for the record `recordId`. */
  seal(plaintext: string | Buffer, recordId: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(recordId, 'utf8'));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return `${VERSION}.${this.keyId}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** Opens a sealed value for `recordId`; throws {@link VaultError} when it does not authenticate. */
  open(sealed: string, recordId: string): Buffer {
    const [version, keyId, payload] = sealed.split('.');
    if (version !== VERSION || !payload) throw new VaultError('Stored secret has an unknown format');
    if (keyId !== this.keyId) throw new VaultError('Stored secret was sealed with another vault key (was the key file replaced?)');
    const raw = Buffer.from(payload, 'base64');
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new VaultError('Stored secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(recordId, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new VaultError('Stored secret does not authenticate (tampered, or bound to another record)');
    }
  }

  /** {@link SecretVault.open}, decoded as UTF-8: for values sealed from a string. */
  openText(sealed: string, recordId: string): string {
    return this.open(sealed, recordId).toString('utf8');
  }
}
