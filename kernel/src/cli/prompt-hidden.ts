import readline from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Asks a question on the terminal and reads the answer without echoing it: for passwords in a
 * plugin's CLI command (never take a secret as an argument, `ps` shows those). The question goes
 * to standard error, so standard output stays clean for the command's result.
 */
export async function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => resolve(answer));
      muted = true;
    });
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
