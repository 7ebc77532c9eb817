import fs from 'node:fs';
import path from 'node:path';

/*
 * The licence a store states in its LICENSE file, for the apps imported from it: the SPDX id of
 * the common ones, else the file's first line. Undefined when the store has no such file.
 */

const KNOWN: ReadonlyArray<[RegExp, string]> = [
  [/apache license[\s\S]{0,40}version 2\.0/i, 'Apache-2.0'],
  [/^\s*(the )?mit license/i, 'MIT'],
  [/gnu affero general public license[\s\S]{0,40}version 3/i, 'AGPL-3.0'],
  [/gnu general public license[\s\S]{0,40}version 3/i, 'GPL-3.0'],
  [/gnu general public license[\s\S]{0,40}version 2/i, 'GPL-2.0'],
  [/polyform noncommercial license 1\.0\.0/i, 'PolyForm-Noncommercial-1.0.0'],
];

const FILES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING'];

export function storeLicence(dir: string): string | undefined {
  for (const name of FILES) {
    let text: string;
    try {
      const fd = fs.openSync(path.join(dir, name), 'r');
      try {
        const buffer = Buffer.alloc(4096);
        text = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue;
    }
    const known = KNOWN.find(([pattern]) => pattern.test(text));
    if (known) return known[1];
    const first = text.split('\n').map((l) => l.replace(/^#+\s*/, '').trim()).find((l) => l !== '');
    if (first) return first.slice(0, 200);
  }
  return undefined;
}
