import fs from 'node:fs';
import type { Command } from 'commander';
import type { TomoConfig } from '../config/config-schema';
import { ConfigError } from '../errors';
import { lazyModule } from '../lazy/lazy-module';

// The bridge and the MCP SDK's stdio and HTTP-client transports: only `tomo mcp` needs them, not `tomo serve`.
const stdioBridge = lazyModule<typeof import('../mcp/stdio-bridge')>(require, '../mcp/stdio-bridge');

/** Where Tomo listens by default (`server.host` and `server.port`). */
const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Where the stdio bridge finds its API token: a file, or TOMO_API_TOKEN (never an argument, which `ps` shows). */
function readToken(tokenFile: string | undefined): string {
  if (tokenFile) return fs.readFileSync(tokenFile, 'utf8').trim();
  const fromEnv = process.env.TOMO_API_TOKEN;
  if (fromEnv) return fromEnv.trim();
  throw new Error('No API token: pass --token-file <file> or set TOMO_API_TOKEN (create one in the console under API tokens)');
}

/** `tomo mcp`: a stdio MCP server for desktop clients that forwards to the running Tomo's /mcp. */
export function addMcpCommand(program: Command, getConfig: () => TomoConfig): void {
  program
    .command('mcp')
    .description('Bridge MCP over stdio (for desktop MCP clients) to the running Tomo service, authenticated with an API token')
    .option('--url <url>', 'base URL of the running Tomo (default: from the config, http://127.0.0.1:8080)')
    .option('--token-file <file>', 'file holding a Tomo API token (default: $TOMO_API_TOKEN)')
    .action(async (opts: { url?: string; tokenFile?: string }) => {
      let base = opts.url;
      if (!base) {
        try {
          const { server } = getConfig();
          const host = server.host === '0.0.0.0' || server.host === '::' ? '127.0.0.1' : server.host;
          base = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          // A desktop client runs this as its user, who usually cannot read the service's config:
          // the default address is the likely one; say so on stderr (stdout carries MCP).
          base = DEFAULT_URL;
          process.stderr.write(`tomo mcp: ${err.message}; connecting to ${DEFAULT_URL} (pass --url to choose)\n`);
        }
      }
      let token: string;
      try {
        token = readToken(opts.tokenFile);
      } catch (err) {
        process.stderr.write(`tomo mcp: ${(err as Error).message}\n`);
        process.exit(2);
      }
      await stdioBridge().bridgeStdioToHttp(new URL('/mcp', base), token);
    });
}
