import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOCS_PASSWORD, outputMatches, planSession, runSession } from './doc-session';
import { checkLinks, githubSlug, parseMarkdown } from './markdown';

// The docs tests' own machinery: anchors as GitHub makes them, links that do not resolve, and
// shell blocks that are unmarked, wrongly marked, failing or printing something else than shown.

const fence = (lang: string, body: string, marker = '') => `${marker ? `${marker}\n` : ''}\`\`\`${lang}\n${body}\n\`\`\`\n`;

describe('anchors and links', () => {
  test('anchors are GitHub\'s', () => {
    expect(githubSlug('Host access (`hostAccess`)')).toBe('host-access-hostaccess');
    expect(githubSlug('GET /api/servers/{id}/preparation')).toBe('get-apiserversidpreparation');
    expect(githubSlug('get_current_user')).toBe('get_current_user');
    expect(githubSlug('Where catalogs come from, and precedence')).toBe('where-catalogs-come-from-and-precedence');
    expect(githubSlug('[Signing in](x.md) — sessions')).toBe('signing-in--sessions');
    const { headings } = parseMarkdown('# Logs\n\n## Logs\n\n```sh\n# not a heading\n```\n');
    expect(headings.map((h) => h.slug)).toEqual(['logs', 'logs-1']);
  });

  test('a missing file, a missing anchor and an absolute path are reported; code is not a link', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-docs-links-'));
    try {
      fs.writeFileSync(path.join(dir, 'b.md'), '# Title\n\n## Part two\n');
      fs.writeFileSync(
        path.join(dir, 'a.md'),
        ['[ok](b.md#part-two) [self](#here) [web](https://example.com/x)', '# Here', '[gone](c.md)', '[bad anchor](b.md#part-three)', '[abs](/etc/passwd)', '`[not a link](nowhere.md)`', fence('sh', 'echo "[x](y.md)"')].join('\n'),
      );
      const problems = checkLinks([path.join(dir, 'a.md')], dir).map((p) => `${p.line}: ${p.target}`);
      expect(problems).toEqual(['3: c.md', '4: b.md#part-three', '5: /etc/passwd']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planning a page', () => {
  test('unmarked blocks run, marked ones are skipped, mistakes are named', () => {
    const page = [
      fence('sh', 'echo run me'),
      fence('console', '$ echo hi\nhi'),
      fence('sh', 'sudo systemctl restart tomo', '<!-- needs: rocky-host -->'),
      fence('sh', 'echo nope', '<!-- needs: a-unicorn -->'),
      fence('', 'echo which language?'),
      fence('sh', 'sudo dnf install tomo'),
      fence('console', '$ tomo serve', '<!-- run: background -->'),
      fence('yaml', 'a: 1', '<!-- file: ../escape.yaml -->'),
      fence('json', '{}', '<!-- check: nothing -->'),
      fence('sh', 'tomo serve', '<!-- run: background -->'),
      fence('yaml', 'a: 1', '<!-- file: conf/a.yaml -->'),
    ].join('\n');
    const plan = planSession('page.md', page);
    expect(plan.steps.map((s) => s.kind)).toEqual(['run', 'console', 'skip', 'background', 'file']);
    expect(plan.problems).toEqual([
      expect.stringMatching(/^page\.md:\d+: unknown reason "needs: a-unicorn"/),
      expect.stringMatching(/^page\.md:\d+: a code block without a language/),
      expect.stringMatching(/^page\.md:\d+: runs sudo, which the test cannot/),
      expect.stringMatching(/^page\.md:\d+: a background block must be sh or bash/),
      expect.stringMatching(/^page\.md:\d+: file marker "\.\.\/escape\.yaml" must be a relative path/),
      expect.stringMatching(/^page\.md:\d+: unknown "check: nothing"/),
    ]);
  });

  test('console output must appear in order; ... matches anything', () => {
    expect(outputMatches(['a', '...', 'c ... e'], ['a', 'b', 'c d e'])).toEqual({ ok: true });
    expect(outputMatches(['c', 'a'], ['a', 'b', 'c'])).toEqual({ ok: false, missing: 'a' });
  });
});

describe('running a page', () => {
  test('blocks share one shell, files are written, prompts get the password, output is checked', async () => {
    const page = [
      fence('yaml', 'greeting: hello', '<!-- file: conf/greeting.yaml -->'),
      fence('sh', 'GREETING=$(cut -d" " -f2 conf/greeting.yaml)\nread -rsp "Tomo password: " PW; echo\necho "length ${#PW}"'),
      fence('console', '$ echo "$GREETING, world"\nhello, world'),
    ].join('\n');
    const result = await runSession(planSession('page.md', page));
    expect(result.failure).toBeUndefined();
    expect(result.output).toContain(`length ${DOCS_PASSWORD.length}`);
  });

  test('a failing block fails the page, naming its line', async () => {
    const result = await runSession(planSession('page.md', [fence('sh', 'echo fine'), fence('sh', 'echo about to fail\nfalse\necho never')].join('\n')));
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/^page\.md:5: the block failed/);
    expect(result.output).not.toContain('never');
  });

  test('output other than the page shows fails the page', async () => {
    const result = await runSession(planSession('page.md', fence('console', '$ echo 41\n42')));
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/^page\.md:1: the output lacks the line shown in the docs:\n {2}42/);
  });
});
