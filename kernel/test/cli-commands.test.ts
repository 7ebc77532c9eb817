import fs from 'node:fs';
import path from 'node:path';
import { runCli, type Distribution } from '@tomo/kernel';
import { inProcessCli } from './support/in-process-cli';
import { makeTempDir, removeTempDirs, writeFiles, writePluginPackage } from './support/temp-dir';

// The CLI commands run in this process (the spawned `tomo` in cli.test.ts proves the same end to
// end). process.exit is intercepted — a real exit would end the test runner — and output captured.

class Exited extends Error {
  constructor(readonly code: number | undefined) {
    super(`process.exit(${code})`);
  }
}

let builtinDir: string;

beforeAll(() => {
  builtinDir = makeTempDir('tomo-cli-builtin-');
  writePluginPackage(
    builtinDir,
    'cli-notes',
    { name: '@tomo/plugin-cli-notes', plugin: 'cli-notes' },
    `const { definePlugin, KernelTokens } = require('@tomo/kernel');
class CliNotesInitial1700000000000 {
  async up(q) { await q.query('CREATE TABLE "cli_notes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL)'); }
  async down(q) { await q.query('DROP TABLE "cli_notes"'); }
}
module.exports = definePlugin({
  id: 'cli-notes',
  migrations: [CliNotesInitial1700000000000],
  cli(program, boot) {
    const notes = program.command('notes').description('Notes from the command line');
    notes.command('count').action(async () => {
      const kernel = await boot();
      try {
        const [row] = await kernel.resolve(KernelTokens.DataSource).query('SELECT COUNT(*) AS n FROM cli_notes');
        process.stdout.write('notes: ' + row.n + '\\n');
      } finally {
        await kernel.stop();
      }
    });
    notes.command('explode').action(() => { throw new Error('plugin command failed'); });
  },
});
`,
  );
});
afterAll(() => {
  removeTempDirs();
});

const dist = (): Distribution => ({ version: '9.9.9', builtinPluginDirs: [builtinDir] });

/** A config file with its own data folder; returns the file and the folder. */
function configFile(extra = ''): { file: string; dataDir: string } {
  const dir = makeTempDir('tomo-cli-conf-');
  const dataDir = path.join(dir, 'data');
  writeFiles(dir, { 'config.yaml': `dataDir: ${dataDir}\nserver:\n  host: 127.0.0.1\n${extra}` });
  return { file: path.join(dir, 'config.yaml'), dataDir };
}

const argv = (...args: string[]) => ['node', 'tomo', ...args];
const { output, run } = inProcessCli(dist);

test('migrate --status lists the pending migrations without applying them; migrate applies them', async () => {
  const { file, dataDir } = configFile();
  await run(argv('--config', file, 'migrate', '--status'));
  expect(output.stdout).toBe(`pending  CliNotesInitial1700000000000\n0 applied, 1 pending (SQLite ${dataDir}/tomo.db)\n`);

  await run(argv(`--config=${file}`, 'migrate'));
  expect(output.stdout).toContain(`Database SQLite ${dataDir}/tomo.db is up to date\n`);

  output.stdout = '';
  await run(argv('--config', file, 'migrate', '--status'));
  expect(output.stdout).toBe(`applied  CliNotesInitial1700000000000\n1 applied, 0 pending (SQLite ${dataDir}/tomo.db)\n`);
});

test("a plugin's command boots a kernel without HTTP (database migrated) and stops it", async () => {
  const { file } = configFile();
  await run(argv('--config', file, 'notes', 'count'));
  expect(output.stdout).toBe('notes: 0\n');
});

test("a disabled plugin's commands are not offered", async () => {
  const { file } = configFile('plugins:\n  disabled: [cli-notes]\n');
  await expect(run(argv('--config', file, 'notes', 'count'))).rejects.toThrow(/unknown command 'notes'/);
});

test('--version prints the distribution version; --help lists kernel and plugin commands', async () => {
  const { file } = configFile();
  await expect(run(argv('--config', file, '--version'))).rejects.toThrow('9.9.9');
  expect(output.stdout).toBe('9.9.9\n');
  output.stdout = '';
  await expect(run(argv('--config', file, '--help'))).rejects.toThrow();
  for (const command of ['serve', 'migrate', 'mcp', 'notes']) expect(output.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
});

describe('runCli', () => {
  beforeEach(() => {
    jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      throw new Exited(code as number);
    });
  });

  test('a bad config: the kernel commands still parse, and the command exits 1 naming the key', async () => {
    const { file } = configFile('  port: "x"\n');
    await expect(runCli(dist(), argv('--config', file, 'migrate'))).rejects.toEqual(new Exited(1));
    expect(output.stderr).toMatch(/^tomo: Invalid configuration: server\.port: /);
  });

  test('a plugin load error exits 1 with its message', async () => {
    const broken = makeTempDir('tomo-cli-broken-');
    writePluginPackage(broken, 'dup', { name: 'dup-a', plugin: 'cli-notes' }, `const { definePlugin } = require('@tomo/kernel');\nmodule.exports = definePlugin({ id: 'cli-notes' });\n`);
    const { file } = configFile(`plugins:\n  dirs: [${broken}]\n`);
    await expect(runCli(dist(), argv('--config', file, 'migrate'))).rejects.toEqual(new Exited(1));
    expect(output.stderr).toMatch(/^tomo: Two plugins share the id "cli-notes": "@tomo\/plugin-cli-notes" .* and "dup-a" /);
  });

  test('any other error is not swallowed', async () => {
    const { file } = configFile();
    await expect(runCli(dist(), argv('--config', file, 'notes', 'explode'))).rejects.toThrow('plugin command failed');
  });

  test('tomo mcp without a token exits 2 and says how to get one', async () => {
    const { file } = configFile();
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('host: 127.0.0.1', 'host: "::"'));
    await expect(runCli(dist(), argv('--config', file, 'mcp'))).rejects.toEqual(new Exited(2));
    expect(output.stderr).toBe('tomo mcp: No API token: pass --token-file <file> or set TOMO_API_TOKEN (create one in the console under API tokens)\n');
  });
});

test('serve: flags override the config; it listens, and SIGTERM stops it and exits 0 (a second signal is ignored)', async () => {
  const { file } = configFile('  port: 1\n');
  const dataDir = makeTempDir('tomo-cli-serve-');
  const exits: Array<number | undefined> = [];
  const exited = new Promise<void>((resolve) => {
    jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      exits.push(code as number);
      resolve();
      return undefined as never;
    });
  });
  const before = { term: process.listeners('SIGTERM'), int: process.listeners('SIGINT') };
  try {
    await run(argv('--config', file, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir));
    const match = /^Tomo 9\.9\.9 listening on (http:\/\/127\.0\.0\.1:\d+) \(data: (.*)\)\n$/.exec(output.stdout);
    expect(match).not.toBeNull();
    expect(match![2]).toBe(dataDir);
    expect((await fetch(`${match![1]}/health`)).status).toBe(200);
    process.emit('SIGTERM');
    process.emit('SIGINT');
    await exited;
    expect(exits).toEqual([0]);
    const log = fs.readFileSync(path.join(dataDir, 'logs', 'tomo.log'), 'utf8');
    expect(log).toContain('Received SIGTERM; shutting down');
    expect(log).not.toContain('Received SIGINT');
    expect(log).toContain('"msg":"Tomo stopped"');
    await expect(fetch(`${match![1]}/health`)).rejects.toThrow();
  } finally {
    for (const l of process.listeners('SIGTERM')) if (!before.term.includes(l)) process.removeListener('SIGTERM', l);
    for (const l of process.listeners('SIGINT')) if (!before.int.includes(l)) process.removeListener('SIGINT', l);
  }
});
