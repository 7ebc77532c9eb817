import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { GenerateKind } from '../catalog';

/**
 * The 64 characters of base64url (RFC 4648 §5): safe in URLs, query strings, YAML and shell
 * assignments, so a generated password never needs escaping wherever the user pastes it.
 */
export const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 24 characters of a 64-character alphabet: 144 bits of entropy. */
export const PASSWORD_LENGTH = 24;

/** Produces the value of a `generate:` setting; injectable so tests can be deterministic. */
export type ValueGenerator = (kind: GenerateKind) => string;

/**
 * A fresh random value of the kind a definition asks for (see `GenerateKind`), from the
 * operating system's CSPRNG. The password draws each character with `crypto.randomInt`, which
 * rejects out-of-range samples instead of reducing modulo the alphabet size, so every character
 * is equally likely.
 */
export function generateValue(kind: GenerateKind): string {
  switch (kind) {
    case 'password': {
      let out = '';
      for (let i = 0; i < PASSWORD_LENGTH; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
      return out;
    }
    case 'hex':
      return randomBytes(32).toString('hex');
    case 'uuid':
      return randomUUID();
    default: {
      // A kind added to GENERATE_KINDS without a case here is a compile error; at run time it is a bug.
      const unknown: never = kind;
      throw new Error(`unknown kind of generated value: ${String(unknown)}`);
    }
  }
}
