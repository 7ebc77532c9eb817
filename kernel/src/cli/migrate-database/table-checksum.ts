import crypto from 'node:crypto';
import { canonical, type ValueKind } from './column-values';

/**
 * A checksum of a table's rows that does not depend on their order (each engine orders text by
 * its own collation): the sum, modulo 2^128, of a SHA-256 prefix of every row's canonical form.
 * Equal counts and equal sums mean the same rows, short of a deliberate collision.
 */
export class TableChecksum {
  private sum = 0n;
  rows = 0;

  constructor(private readonly columns: ReadonlyArray<{ name: string; kind: ValueKind }>) {}

  add(row: Record<string, unknown>): void {
    const form = JSON.stringify(this.columns.map((c) => canonical(row[c.name], c.kind)));
    const digest = crypto.createHash('sha256').update(form).digest();
    this.sum = (this.sum + BigInt(`0x${digest.subarray(0, 16).toString('hex')}`)) & ((1n << 128n) - 1n);
    this.rows += 1;
  }

  /** The sum as 32 hex digits. */
  hex(): string {
    return this.sum.toString(16).padStart(32, '0');
  }
}
