import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMarkdown, type Fence } from './markdown';
import { freePort } from '../../../test-support/ports';

/**
 * Runs the shell blocks of one documentation page the way a reader would: in order, in one
 * shell, pasting each block into the same terminal, typing the password when asked.
 *
 * Conventions (HTML comments on the line(s) right above a fence, invisible on GitHub):
 *
 * - a ```sh / ```bash / ```shell block with no marker is run; ```console blocks run their
 *   `$ ` lines and the output must contain the other lines, in order (`...` matches anything);
 * - `<!-- needs: <reason> -->` marks a block that cannot run here (see {@link NEEDS});
 * - `<!-- run: background -->`: the block starts a server in the foreground (`tomo serve`); it
 *   is started in the background and the test waits until Tomo answers `/health`;
 * - `<!-- check: <what> -->` on a configuration example: checked by docs-content.test.ts;
 * - `<!-- file: <path> -->` on any block: the file is written (relative to the working folder,
 *   or `~/…`) before the next blocks run, as the reader would save it;
 * - `<!-- docs-session: admin-account api-token -->` anywhere in the page: before the first
 *   block an admin `admin` exists (password {@link DOCS_PASSWORD}) and, with `api-token`, a
 *   token of theirs is in `~/.config/tomo/token`.
 *
 * What the page's commands find: `tomo` on the PATH (this checkout's bin/tomo.js), a working
 * folder that looks like a built checkout (bin, kernel, plugins, node_modules linked; its own
 * docs/ and data/), a private HOME and TMPDIR, and `TOMO_PORT` / `TOMO_DATA_DIR` set so Tomo
 * listens on a free port with its data in ./data. `127.0.0.1:8080` in a command becomes that
 * port (and 8081 a second free port). A block that talks to Tomo gets one started for it if
 * none runs yet.
 */

/** Why a block may be left unrun; anything else is an error. */
export const NEEDS: Readonly<Record<string, string>> = {
  'rocky-host': 'a Rocky/RHEL/Fedora host with the Tomo RPM installed (root, systemd, dnf)',
  'debian-host': 'a Debian/Ubuntu host with the Tomo .deb installed (root, systemd, apt)',
  'real-server': 'a real Linux server reachable over SSH (or the command runs on that server)',
  network: 'downloads from the internet (git clone, npm install)',
  'postgres-host': 'a PostgreSQL server, as its postgres user',
};

/** The password the test types at every password prompt, and the docs' admin account's. */
export const DOCS_PASSWORD = 'correct-horse-battery-staple';

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);
/** Tools a block may only use when marked as needing a real host. */
const HOST_ONLY = /(^|[\s;&|(])(sudo|systemctl|journalctl|dnf|rpm|apt|apt-get|dpkg|firewall-cmd|setsebool|semanage)\s/m;
const SESSION_FEATURES = new Set(['admin-account', 'api-token']);
/** `<!-- check: … -->` values: blocks that scripts/docs/docs-content.test.ts checks. */
export const CHECKS = ['tomo-config', 'app-definition', 'mcp-stdio-config', 'mcp-http-config', 'nginx', 'nginx-two-instances', 'caddy'] as const;
const PROMPT = /(password|passphrase)[^\n]*: $/i;
/** Terminal colour codes (ESC [ … m). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export type Step =
  | { kind: 'run'; fence: Fence; text: string }
  | { kind: 'console'; fence: Fence; commands: string; expected: string[] }
  | { kind: 'background'; fence: Fence; text: string }
  | { kind: 'file'; fence: Fence; path: string }
  | { kind: 'skip'; fence: Fence; reason: string };

export interface SessionPlan {
  file: string;
  steps: Step[];
  features: string[];
  /** Blocks that are neither runnable nor properly marked, and other mistakes. */
  problems: string[];
}

/** `$ ` lines are commands (a trailing `\` continues onto the next line); the rest is expected output. */
function splitConsole(content: string): { commands: string; expected: string[] } {
  const commands: string[] = [];
  const expected: string[] = [];
  let continuing = false;
  for (const line of content.split('\n')) {
    if (continuing || line.startsWith('$ ')) {
      const cmd: string = continuing ? line : line.slice(2);
      commands.push(cmd);
      continuing = cmd.endsWith('\\');
    } else if (line.trim()) {
      expected.push(line.trim());
    }
  }
  return { commands: commands.join('\n'), expected };
}

/** Classifies every fence of a page; `problems` lists what breaks the conventions. */
export function planSession(file: string, markdown: string): SessionPlan {
  const parsed = parseMarkdown(markdown);
  const steps: Step[] = [];
  const problems: string[] = [];
  const where = (f: Fence) => `${file}:${f.line}`;
  const features = parsed.markers.filter((m) => m.key === 'docs-session').flatMap((m) => m.value.split(/\s+/).filter(Boolean));
  for (const f of features) if (!SESSION_FEATURES.has(f)) problems.push(`${file}: unknown docs-session feature "${f}" (known: ${[...SESSION_FEATURES].join(', ')})`);

  for (const fence of parsed.fences) {
    for (const key of Object.keys(fence.markers)) {
      if (!['needs', 'run', 'file', 'check'].includes(key)) problems.push(`${where(fence)}: unknown marker "${key}" (known: needs, run, file, check)`);
    }
    const check = fence.markers.check;
    if (check !== undefined && !(CHECKS as readonly string[]).includes(check)) problems.push(`${where(fence)}: unknown "check: ${check}" (known: ${CHECKS.join(', ')})`);
    if (!fence.lang) {
      problems.push(`${where(fence)}: a code block without a language; name it (sh, console, yaml, json, nginx, caddyfile, text…)`);
      continue;
    }
    const { needs, run, file: target } = fence.markers;
    if (target !== undefined) {
      if (!/^(~\/)?[A-Za-z0-9._-][A-Za-z0-9._/-]*$/.test(target) || target.split('/').includes('..')) {
        problems.push(`${where(fence)}: file marker "${target}" must be a relative path (or ~/…) without ".."`);
      } else {
        steps.push({ kind: 'file', fence, path: target });
      }
      continue;
    }
    if (!SHELL_LANGS.has(fence.lang)) {
      if (needs !== undefined || run !== undefined) problems.push(`${where(fence)}: needs/run markers only apply to sh, bash, shell and console blocks`);
      continue;
    }
    if (needs !== undefined) {
      if (!(needs in NEEDS)) problems.push(`${where(fence)}: unknown reason "needs: ${needs}" (known: ${Object.keys(NEEDS).join(', ')})`);
      else steps.push({ kind: 'skip', fence, reason: needs });
      continue;
    }
    const text = fence.lang === 'console' ? splitConsole(fence.content).commands : fence.content;
    if (!text.trim()) {
      problems.push(`${where(fence)}: a shell block with no command`);
      continue;
    }
    const hostOnly = HOST_ONLY.exec(text);
    if (hostOnly) {
      problems.push(`${where(fence)}: runs ${hostOnly[2]}, which the test cannot: mark it <!-- needs: rocky-host --> (or debian-host, real-server)`);
      continue;
    }
    if (run === 'background') {
      if (fence.lang === 'console') problems.push(`${where(fence)}: a background block must be sh or bash`);
      else steps.push({ kind: 'background', fence, text });
    } else if (run !== undefined) {
      problems.push(`${where(fence)}: unknown "run: ${run}" (known: background)`);
    } else if (fence.lang === 'console') {
      const { commands, expected } = splitConsole(fence.content);
      steps.push({ kind: 'console', fence, commands, expected });
    } else {
      steps.push({ kind: 'run', fence, text });
    }
  }
  return { file, steps, features, problems };
}

/** True when every expected line appears in `actual`, in order (`...` in a line matches anything). */
export function outputMatches(expected: readonly string[], actual: readonly string[]): { ok: true } | { ok: false; missing: string } {
  let at = 0;
  for (const want of expected) {
    if (want === '...') continue;
    const re = new RegExp(`^${want.split('...').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    let found = false;
    while (at < actual.length) {
      if (re.test(actual[at++].trim())) {
        found = true;
        break;
      }
    }
    if (!found) return { ok: false, missing: want };
  }
  return { ok: true };
}

export interface SessionResult {
  ok: boolean;
  /** What the terminal showed (markers included). */
  output: string;
  /** Why it failed, with the page and line of the block. */
  failure?: string;
  /** Blocks run (file blocks included). */
  ran: number;
  /** How long the page took, in ms. */
  ms: number;
}

const REPO = path.resolve(__dirname, '..', '..', '..');

/** Makes the sandbox a page's commands run in; returns its folders. */
function makeSandbox(): { dir: string; work: string; home: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-docs-'));
  const work = path.join(dir, 'work');
  const home = path.join(dir, 'home');
  for (const d of [work, home, path.join(dir, 'tmp'), path.join(dir, 'shims'), path.join(work, 'docs'), path.join(work, 'scripts', 'docs')]) fs.mkdirSync(d, { recursive: true });
  for (const name of ['bin', 'kernel', 'plugins', 'ui-shell', 'node_modules', 'package.json']) fs.symlinkSync(path.join(REPO, name), path.join(work, name));
  // The generator writes next to itself (<checkout>/docs/reference): a copy keeps it in the sandbox.
  fs.copyFileSync(path.join(REPO, 'scripts', 'docs', 'generate-reference.js'), path.join(work, 'scripts', 'docs', 'generate-reference.js'));
  fs.writeFileSync(path.join(dir, 'shims', 'tomo'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(REPO, 'bin', 'tomo.js')}" "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'config.yaml'), '# The docs test: everything comes from TOMO_* variables.\n');
  return { dir, work, home };
}

const PREAMBLE = String.raw`
__docs_pids="$__DOCS_DIR/pids"
: > "$__docs_pids"
__docs_cleanup() {
  local pid
  while read -r pid; do kill -TERM -- "-$pid" 2>/dev/null || true; done < "$__docs_pids"
}
trap __docs_cleanup EXIT
__docs_up() { curl -fsS --max-time 2 "http://127.0.0.1:$1/health" > /dev/null 2>&1; }
__docs_wait() {
  local i
  for i in $(seq 1 300); do __docs_up "$1" && return 0; sleep 0.1; done
  echo "docs test: nothing answered on 127.0.0.1:$1/health within 30 s; its output:" >&2
  cat "$2" >&2 || true
  return 1
}
__docs_ensure_tomo() {
  __docs_up "$TOMO_PORT" && return 0
  setsid tomo serve > "$__DOCS_DIR/tomo.log" 2>&1 < /dev/null &
  echo $! >> "$__docs_pids"
  echo $! > "$__DOCS_DIR/harness.pid"
  __docs_wait "$TOMO_PORT" "$__DOCS_DIR/tomo.log"
}
__docs_wait_down() {
  local i
  for i in $(seq 1 150); do __docs_up "$1" || return 0; sleep 0.1; done
  echo "docs test: something still answers on 127.0.0.1:$1 after it was stopped" >&2
  return 1
}
__docs_stop_harness_tomo() {
  [ -s "$__DOCS_DIR/harness.pid" ] || return 0
  kill -TERM -- "-$(cat "$__DOCS_DIR/harness.pid")" 2>/dev/null || true
  rm -f "$__DOCS_DIR/harness.pid"
  __docs_wait_down "$TOMO_PORT"
}
# A block that starts a server: as a reader would, stop the one the page started before on that port.
__docs_background() {
  local pidfile="$__DOCS_DIR/background-port-$2.pid"
  if [ -s "$pidfile" ]; then
    kill -TERM -- "-$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    __docs_wait_down "$2"
  fi
  setsid bash -euo pipefail "$1" > "$1.log" 2>&1 < /dev/null &
  echo $! >> "$__docs_pids"
  echo $! > "$pidfile"
  __docs_wait "$2" "$1.log"
}
`;

const SETUP: Record<string, string> = {
  // Through the first-run setup page's API, with the setup code from the log: no second process.
  'admin-account': String.raw`
__docs_ensure_tomo
__docs_code=
for __docs_i in $(seq 1 100); do
  __docs_code=$(grep -o 'setup code [A-Z0-9-]*' "$TOMO_DATA_DIR/logs/tomo.log" 2>/dev/null | tail -n 1 | cut -d' ' -f3 || true)
  [ -n "$__docs_code" ] && break
  sleep 0.1
done
jq -n --arg c "$__docs_code" --arg p "$__DOCS_PASSWORD" '{setupCode: $c, username: "admin", email: "admin@example.com", password: $p}' |
  curl -fsS "http://127.0.0.1:$TOMO_PORT/api/auth/setup" -H 'Content-Type: application/json' -d @- > /dev/null
unset __docs_code __docs_i
`,
  'api-token': String.raw`
__docs_ensure_tomo
mkdir -p "$HOME/.config/tomo"
chmod 700 "$HOME/.config/tomo"
__docs_session=$(jq -n --arg p "$__DOCS_PASSWORD" '{username: "admin", password: $p}' |
  curl -fsS "http://127.0.0.1:$TOMO_PORT/api/auth/login" -H 'Content-Type: application/json' -d @- | jq -er .token)
install -m 600 /dev/null "$HOME/.config/tomo/token"
curl -fsS "http://127.0.0.1:$TOMO_PORT/api/auth/tokens" -H "Authorization: Bearer $__docs_session" \
  -H 'Content-Type: application/json' -d '{"name": "docs-test"}' | jq -er .token > "$HOME/.config/tomo/token"
unset __docs_session
`,
};

function heredoc(target: string, content: string, tag: string): string {
  return `cat > ${target} <<'${tag}'\n${content.endsWith('\n') ? content : `${content}\n`}${tag}\n`;
}

/** Builds the session script; `ports` are what 8080 and 8081 become. */
export function sessionScript(plan: SessionPlan, ports: { main: number; second: number }): string {
  const rewrite = (text: string) => text.replace(/\b8080\b/g, String(ports.main)).replace(/\b8081\b/g, String(ports.second));
  const talksToTomo = (text: string) => text.includes(`:${ports.main}`) || /\btomo\s+mcp\b/.test(text);
  const out = [PREAMBLE, 'set -euo pipefail'];
  if (plan.features.length) out.push(`printf '\\n::tomo-docs-block setup\\n'`);
  for (const feature of ['admin-account', 'api-token']) if (plan.features.includes(feature)) out.push(SETUP[feature]);
  plan.steps.forEach((step, i) => {
    if (step.kind === 'skip') return;
    out.push(`printf '\\n::tomo-docs-block ${i}\\n'`);
    if (step.kind === 'file') {
      const target = step.path.startsWith('~/') ? `"$HOME/${step.path.slice(2)}"` : `'${step.path}'`;
      out.push(`mkdir -p "$(dirname ${target})"`, heredoc(target, rewrite(step.fence.content), `__TOMO_DOCS_FILE_${i}__`));
    } else if (step.kind === 'background') {
      const text = rewrite(step.text);
      const port = text.includes(String(ports.second)) ? ports.second : ports.main;
      if (port === ports.main) out.push('__docs_stop_harness_tomo');
      out.push(heredoc(`"$__DOCS_DIR/background-${i}.sh"`, text, `__TOMO_DOCS_BG_${i}__`), `__docs_background "$__DOCS_DIR/background-${i}.sh" ${port}`);
    } else if (step.kind === 'console') {
      const text = rewrite(step.commands);
      if (talksToTomo(text)) out.push('__docs_ensure_tomo');
      out.push(`printf '::tomo-docs-out-begin ${i}\\n'`, text, `printf '\\n::tomo-docs-out-end ${i}\\n'`);
    } else {
      const text = rewrite(step.text);
      if (talksToTomo(text)) out.push('__docs_ensure_tomo');
      out.push(text);
    }
  });
  out.push(`printf '\\n::tomo-docs-block done\\n'`);
  return `${out.join('\n')}\n`;
}

/** Waits until the process group is gone (SIGKILL after `ms`). */
async function reap(pgid: number, ms: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + ms;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive()) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Runs a page's plan in a pseudo-terminal (`script`), answering password prompts. */
export async function runSession(plan: SessionPlan, options: { timeoutMs?: number } = {}): Promise<SessionResult> {
  const started = Date.now();
  const sandbox = makeSandbox();
  const ports = { main: await freePort(), second: await freePort() };
  const scriptFile = path.join(sandbox.dir, 'session.sh');
  fs.writeFileSync(scriptFile, sessionScript(plan, ports));
  const env: Record<string, string> = {
    PATH: `${path.join(sandbox.dir, 'shims')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: sandbox.home,
    TMPDIR: path.join(sandbox.dir, 'tmp'),
    SHELL: '/bin/bash',
    TERM: 'dumb',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    TOMO_CONFIG: path.join(sandbox.dir, 'config.yaml'),
    TOMO_HOST: '127.0.0.1',
    TOMO_PORT: String(ports.main),
    TOMO_DATA_DIR: path.join(sandbox.work, 'data'),
    __DOCS_DIR: sandbox.dir,
    __DOCS_PASSWORD: DOCS_PASSWORD,
  };
  const child = spawn('script', ['-q', '-e', '-f', '-c', `bash --noprofile --norc ${scriptFile}`, '/dev/null'], {
    cwd: sandbox.work,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let answeredAt = -1;
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8').replace(/\r/g, '');
    const lineStart = output.lastIndexOf('\n') + 1;
    if (lineStart !== answeredAt && PROMPT.test(output.slice(lineStart))) {
      answeredAt = lineStart;
      child.stdin.write(`${DOCS_PASSWORD}\n`);
    }
  };
  child.stdin.on('error', () => undefined);
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reap(child.pid as number, 2000);
  }, options.timeoutMs ?? 120000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  child.stdin.destroy();
  // The terminal's colours (jq colours its output on a terminal) are not text.
  output = output.replace(ANSI_COLOUR, '');

  // Whatever the page started in the background (and the Tomo the test started) stops here.
  const pids = fs.existsSync(path.join(sandbox.dir, 'pids')) ? fs.readFileSync(path.join(sandbox.dir, 'pids'), 'utf8').split('\n').filter(Boolean).map(Number) : [];
  await Promise.all(pids.map((pid) => reap(pid, 15000)));
  const logs = fs
    .readdirSync(sandbox.dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => `--- ${f}\n${fs.readFileSync(path.join(sandbox.dir, f), 'utf8').split('\n').slice(-15).join('\n')}`)
    .join('\n');
  fs.rmSync(sandbox.dir, { recursive: true, force: true });

  const ran = plan.steps.filter((s) => s.kind !== 'skip').length;
  const ms = Date.now() - started;
  const blockAt = (marker: string) => {
    const step = plan.steps[Number(marker)];
    return step ? `${plan.file}:${step.fence.line}` : `${plan.file} (session setup)`;
  };
  const lastBlock = [...output.matchAll(/::tomo-docs-block (\S+)/g)].pop()?.[1];
  const tail = (from: number) => output.slice(from).split('\n').slice(-40).join('\n');
  if (timedOut || code !== 0 || lastBlock !== 'done') {
    const at = lastBlock === undefined ? output.length : output.lastIndexOf(`::tomo-docs-block ${lastBlock}`);
    const why = timedOut ? 'did not finish in time' : `failed (exit code ${code})`;
    return { ok: false, output, ran, ms, failure: `${blockAt(lastBlock ?? 'setup')}: the block ${why}. Terminal:\n${tail(at)}\n${logs}` };
  }
  for (const [i, step] of plan.steps.entries()) {
    if (step.kind !== 'console') continue;
    const m = new RegExp(`::tomo-docs-out-begin ${i}\\n([\\s\\S]*?)\\n::tomo-docs-out-end ${i}\\n`).exec(output);
    const actual = (m?.[1] ?? '').split('\n');
    const verdict = outputMatches(step.expected, actual);
    if (!verdict.ok) {
      return { ok: false, output, ran, ms, failure: `${plan.file}:${step.fence.line}: the output lacks the line shown in the docs:\n  ${verdict.missing}\nactual output:\n${actual.join('\n')}` };
    }
  }
  return { ok: true, output, ran, ms };
}
