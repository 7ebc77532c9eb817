import { execFileSync } from 'node:child_process';
import { quoteShellArg } from './quote';

/** What a real POSIX shell makes of `printf %s <quoted>`: the value must come back byte for byte. */
function throughShell(value: string): string {
  return execFileSync('/bin/sh', ['-c', `printf %s ${quoteShellArg(value)}`], { encoding: 'utf8' });
}

test.each([
  ['plain', 'hello'],
  ['empty', ''],
  ['spaces', '  two  spaces  '],
  ['single quotes', "it's 'quoted'"],
  ['only a quote', "'"],
  ['double quotes', 'say "hi"'],
  ['command substitution', '$(touch /tmp/tomo-pwned) and $HOME'],
  ['backticks', '`id` `rm -rf /`'],
  ['newlines', 'line one\nline two\n'],
  ['glob and separators', '*; ls | cat && echo > /dev/null & #'],
  ['backslashes', 'a\\b\\\\c\\'],
  ['escapes and tabs', '\t\u001b[31mred\u001b[0m'],
  ['exclamation and braces', '!! ${PATH} {a,b} ~root'],
  ['unicode', 'Grüße 世界 🚀'],
  ['dash first', '-n -e'],
])('round-trips through /bin/sh -c unchanged: %s', (_name, value) => {
  expect(throughShell(value)).toBe(value);
});

test('every value is single-quoted, with embedded quotes closed, escaped and reopened', () => {
  expect(quoteShellArg('abc')).toBe("'abc'");
  expect(quoteShellArg("a'b")).toBe("'a'\\''b'");
});

test('a NUL byte is refused (a shell argument cannot carry it)', () => {
  expect(() => quoteShellArg('a\0b')).toThrow('A shell argument cannot contain a NUL byte');
});
