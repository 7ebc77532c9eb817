import { createHmac } from 'node:crypto';
import { lazyModule } from '@tomo/kernel';

/** The native bcrypt addon is loaded by the first password hashed or checked, not at start. */
const bcrypt = lazyModule<typeof import('bcrypt')>(require, 'bcrypt');

/**
 * bcrypt only reads the first 72 bytes of its input, so two long passphrases sharing a
 * 72-byte prefix would collide. Every password is first reduced with HMAC-SHA256 to a 44-byte
 * base64 string (no NUL bytes), then bcrypt-hashed: long passwords are fully significant.
 */
const PREHASH_KEY = 'tomo-password-prehash-v1';

function prehash(password: string): string {
  return createHmac('sha256', PREHASH_KEY).update(password, 'utf8').digest('base64');
}

/** Hashes and verifies passwords with bcrypt at the configured cost. */
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(private readonly cost: number) {}

  hash(password: string): Promise<string> {
    return bcrypt().hash(prehash(password), this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt().compare(prehash(password), hash);
  }

  /**
   * Spends the same time as a real verification, for unknown usernames, so response timing
   * does not reveal which usernames exist.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('tomo-dummy-password-for-timing');
    await bcrypt().compare(prehash(password), await this.dummyHash);
    return false;
  }
}
