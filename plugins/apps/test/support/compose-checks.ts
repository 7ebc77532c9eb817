import { execFileSync } from 'node:child_process';
import type { AppsKernel } from './apps-kernel';

/** What is left on an engine of a Compose project: containers, networks and volumes carrying its label. */
export interface ProjectLeftovers {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** Lists a project's leftovers with a `docker` argv run by `run` (locally, or inside a fresh server). */
export async function leftoversOf(run: (argv: string[]) => Promise<string>, project: string): Promise<ProjectLeftovers> {
  const label = `label=com.docker.compose.project=${project}`;
  const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);
  return {
    containers: lines(await run(['docker', 'ps', '-a', '--filter', label, '--format', '{{.Names}}'])),
    networks: lines(await run(['docker', 'network', 'ls', '--filter', label, '--format', '{{.Name}}'])),
    volumes: lines(await run(['docker', 'volume', 'ls', '--filter', label, '--format', '{{.Name}}'])),
  };
}

/** `docker …` on this machine (the test bed's host engine). */
export const runLocal = async (argv: string[]): Promise<string> => execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' });

/** The environment of a container as Docker recorded it (`Config.Env`), by variable name. */
export async function envOf(run: (argv: string[]) => Promise<string>, container: string): Promise<Record<string, string>> {
  const env = JSON.parse(await run(['docker', 'inspect', '--format', '{{json .Config.Env}}', container])) as string[];
  return Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/** Polls the installation until `state` is reached (start and stop return before every service has settled). */
export async function waitState(t: AppsKernel, token: string, id: string, state: string, timeoutMs = 60000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.request('GET', `/api/apps/installations/${id}`, { token });
    if (res.body.installation?.state === state) return res.body.installation;
    if (Date.now() > deadline) throw new Error(`not ${state} after ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
