import { execFileSync } from 'node:child_process';
import { commandLine } from './ssh-connection-pool';

test('every argument is single-quoted; quotes inside are closed, escaped and reopened', () => {
  expect(commandLine(['ls'])).toBe("'ls'");
  expect(commandLine(['echo', "it's", ''])).toBe("'echo' 'it'\\''s' ''");
  expect(commandLine(['printf', '%s', '$(id)'])).toBe("'printf' '%s' '$(id)'");
});

test('an empty argv or a NUL byte is refused', () => {
  expect(() => commandLine([])).toThrow(/at least the program name/);
  expect(() => commandLine(['echo', 'a\0b'])).toThrow(/NUL/);
});

test('a POSIX shell (sh and bash) reads the command line back into exactly the same arguments', () => {
  const args = ['$(touch /tmp/x)', '`id`', '; rm -rf /', 'a\nb', "'", "''", '"', '\\', '\\\'', '*', '~', '$HOME', '${IFS}', '-oProxyCommand=x', '', ' lead', 'trail ', 'ünï ✓', '!', '#c', '&', '|', '>', '<(x)'];
  for (const shell of ['sh', 'bash']) {
    const out = execFileSync(shell, ['-c', commandLine(['printf', '%s\\0', ...args])]);
    expect(out.toString('utf8').split('\0').slice(0, -1)).toEqual(args);
  }
});
