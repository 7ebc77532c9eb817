import type { BootedKernel, CliContribution } from '@tomo/kernel';
import { AppError } from '@tomo/kernel';
import { AuthTokens } from '../tokens';
import { createUserInput } from '../schemas';
import { promptHidden, readPasswordFromStdin } from './read-password';

async function readPassword(opts: { passwordStdin?: boolean }): Promise<string> {
  if (opts.passwordStdin) return readPasswordFromStdin();
  if (!process.stdin.isTTY) throw new Error('No terminal to ask for the password: pipe it in with --password-stdin');
  const first = await promptHidden('Password (12+ characters): ');
  const again = await promptHidden('Password again: ');
  if (first !== again) throw new Error('The two passwords differ');
  return first;
}

/** `tomo admin create`: create an admin (first run, or a locked-out instance) from the machine itself. */
export const adminCli: CliContribution = (program, boot) => {
  const admin = program.command('admin').description('Manage Tomo administrators from the command line');
  admin
    .command('create')
    .description('Create an admin account (the password is read from a prompt, or from stdin with --password-stdin; never from an argument)')
    .requiredOption('--username <name>', 'username: 3-32 letters, digits, ".", "_" or "-"')
    .requiredOption('--email <address>', 'email address')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (opts: { username: string; email: string; passwordStdin?: boolean }) => {
      let kernel: BootedKernel | undefined;
      try {
        const password = await readPassword(opts);
        const parsed = createUserInput.safeParse({ username: opts.username, email: opts.email, password, role: 'admin' });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new Error(`${issue.path.join('.')}: ${issue.message}`);
        }
        kernel = await boot();
        const user = await kernel.resolve(AuthTokens.UserService).create(parsed.data, {
          transport: 'cli',
          clientIp: 'local',
          requestId: 'cli',
          log: kernel.logger,
        });
        process.stdout.write(`Created admin "${user.username}" (${user.id}). Log in at the console.\n`);
      } catch (err) {
        process.stderr.write(`tomo admin create: ${err instanceof AppError || err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 2;
      } finally {
        await kernel?.stop();
      }
    });
};
