import { createCli, type Distribution } from '../../src';

/**
 * `tomo` commands run in this process, for the CLI tests: the TOMO_* variables of the shell are
 * set aside for the file (so a developer's settings change nothing), what the commands print is
 * captured per test, and commander's exit becomes a thrown error. Call it once at the top of a file.
 */
export function inProcessCli(dist: () => Distribution): {
  /** What the current test's commands printed (emptied before each test). */
  output: { stdout: string; stderr: string };
  /** Runs `argv` (`['node', 'tomo', …]`) through a fresh program. */
  run(args: string[]): Promise<void>;
} {
  const output = { stdout: '', stderr: '' };
  const savedEnv: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('TOMO_')) savedEnv[k] = process.env[k];
    for (const k of Object.keys(savedEnv)) delete process.env[k];
  });
  afterAll(() => {
    Object.assign(process.env, savedEnv);
  });
  beforeEach(() => {
    output.stdout = '';
    output.stderr = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((output.stdout += String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((output.stderr += String(chunk)), true));
  });
  afterEach(() => jest.restoreAllMocks());
  return {
    output,
    async run(args) {
      const program = createCli(dist(), args).exitOverride();
      program.configureOutput({ writeOut: (s) => void (output.stdout += s), writeErr: (s) => void (output.stderr += s) });
      await program.parseAsync(args);
    },
  };
}
