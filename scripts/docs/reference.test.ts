import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// docs/reference/api.md and docs/reference/mcp-tools.md are generated from a running Tomo
// (scripts/docs/generate-reference.js). This regenerates them into a temporary folder and fails
// while the committed pages differ: a new, changed or removed route or MCP tool (a new plugin's
// included) needs `npm run build && node scripts/docs/generate-reference.js` and a commit.

const ROOT = path.resolve(__dirname, '..', '..');
const GENERATOR = path.join(__dirname, 'generate-reference.js');

test('the committed API and MCP tool references match what the code generates', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-reference-check-'));
  try {
    const run = spawnSync(process.execPath, [GENERATOR, '--out', out], { encoding: 'utf8', timeout: 120000, env: { PATH: process.env.PATH ?? '' } });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const stale: string[] = [];
    for (const name of fs.readdirSync(out).sort()) {
      const generated = fs.readFileSync(path.join(out, name), 'utf8');
      const committedFile = path.join(ROOT, 'docs', 'reference', name);
      const committed = fs.existsSync(committedFile) ? fs.readFileSync(committedFile, 'utf8') : '';
      if (generated === committed) continue;
      const a = committed.split('\n');
      const b = generated.split('\n');
      const at = b.findIndex((line, i) => line !== a[i]);
      stale.push(`docs/reference/${name} is out of date (first difference at line ${at + 1}: ${JSON.stringify(b[at] ?? '(end)')}, committed ${JSON.stringify(a[at] ?? '(end)')})`);
    }
    if (stale.length) {
      throw new Error(`${stale.join('\n')}\nRegenerate: npm run build && node scripts/docs/generate-reference.js, then commit docs/reference/.`);
    }
    expect(fs.readdirSync(out).sort()).toEqual(['api.md', 'mcp-tools.md']);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
