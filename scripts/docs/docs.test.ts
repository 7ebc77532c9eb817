import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NEEDS, planSession, runSession, type SessionPlan, type SessionResult } from './support/doc-session';
import { checkLinks, markdownFiles } from './support/markdown';

// The documentation in docs/ is tested as a reader would use it:
// (a) every relative link and #anchor in docs/ and README.md resolves;
// (b) every sh/bash/console block is either run here, page by page in one shell against the
//     built Tomo (see support/doc-session.ts for the conventions), or marked with what it needs
//     (a Rocky host with the RPM, a real server, the network). The run needs the build (`npm
//     test` builds first), curl, jq and util-linux's script and setsid.

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');
const pages = markdownFiles(DOCS);
const plans: SessionPlan[] = pages.map((file) => planSession(path.relative(ROOT, file), fs.readFileSync(file, 'utf8')));
const runnable = plans.filter((p) => p.steps.some((s) => s.kind !== 'skip'));

/** Pages run side by side: each has its own sandbox, ports and Tomo. */
const CONCURRENT_PAGES = 3;

function assertPrerequisites(): void {
  const missing = ['kernel/dist/index.js', 'plugins/auth/dist/plugin.js', 'plugins/servers/dist/plugin.js', 'plugins/preparation/dist/plugin.js'].filter(
    (f) => !fs.existsSync(path.join(ROOT, f)),
  );
  if (missing.length) throw new Error(`${missing.join(', ')} missing: run \`npm run build\` before the docs tests`);
  const tools = ['curl', 'jq', 'script', 'setsid', 'ssh-keygen'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (tools.length) throw new Error(`The docs tests run the documented commands and need: ${tools.join(', ')} (Debian: apt-get install curl jq util-linux openssh-client)`);
}

describe('links', () => {
  test('every relative link and #anchor in docs/ and README.md resolves', () => {
    const problems = checkLinks([...pages, path.join(ROOT, 'README.md')], ROOT);
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.target}: ${p.problem}`)).toEqual([]);
  });

  test('the index links every page of docs/', () => {
    const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8');
    const unlinked = pages.map((p) => path.relative(DOCS, p)).filter((p) => p !== 'README.md' && !index.includes(`](${p})`));
    expect(unlinked).toEqual([]);
  });
});

describe('shell blocks', () => {
  test('every shell block is run by this test or marked with what it needs', () => {
    expect(plans.flatMap((p) => p.problems)).toEqual([]);
    const lines = plans
      .filter((p) => p.steps.length)
      .map((p) => {
        const count = (kind: string) => p.steps.filter((s) => s.kind === kind).length;
        const skipped = Object.keys(NEEDS)
          .map((reason) => [reason, p.steps.filter((s) => s.kind === 'skip' && s.reason === reason).length] as const)
          .filter(([, n]) => n > 0)
          .map(([reason, n]) => `${n} ${reason}`);
        const run = count('run') + count('console') + count('background');
        return `${p.file}: ${run} run (${count('console')} with output checked), ${count('file')} files written, not run: ${skipped.join(', ') || 'none'}`;
      });
    console.log(`Documentation shell blocks:\n${lines.join('\n')}`);
    // The pages that explain using Tomo must have commands that really run.
    for (const page of ['docs/install.md', 'docs/api.md', 'docs/mcp.md', 'docs/plugins.md', 'docs/admin-guide.md']) {
      expect(runnable.map((p) => p.file)).toContain(page);
    }
  });

  const results = new Map<string, SessionResult>();
  beforeAll(async () => {
    assertPrerequisites();
    const queue = [...runnable];
    const worker = async () => {
      for (let plan = queue.shift(); plan; plan = queue.shift()) results.set(plan.file, await runSession(plan));
    };
    await Promise.all(Array.from({ length: CONCURRENT_PAGES }, worker));
    console.log(`Documentation pages run:\n${[...results].map(([file, r]) => `${file}: ${r.ran} blocks, ${(r.ms / 1000).toFixed(1)} s, ${r.ok ? 'ok' : 'FAILED'}`).join('\n')}`);
  }, 300000);

  test.each(runnable.map((plan) => [plan.file] as const))('%s: the commands run and print what the page shows', (file) => {
    const result = results.get(file);
    if (!result) throw new Error(`${file} did not run`);
    if (!result.ok) throw new Error(result.failure);
  });
});
