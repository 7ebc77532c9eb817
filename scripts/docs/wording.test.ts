/**
 * The README and the docs describe this repository as it is: the console places they name exist,
 * they point at no file outside the repository, and every library the README's table names is a
 * dependency of one of its packages (a removed library must leave the table too).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Every dependency declared by the root package and its workspaces. */
function declaredPackages(): Set<string> {
  const manifests = ['package.json', 'kernel/package.json', 'ui-shell/package.json', ...fs.readdirSync(path.join(root, 'plugins')).map((p) => `plugins/${p}/package.json`)];
  const names = new Set<string>();
  for (const file of manifests.filter((f) => fs.existsSync(path.join(root, f)))) {
    const pkg = JSON.parse(read(file)) as Record<string, Record<string, string> | undefined>;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const name of Object.keys(pkg[field] ?? {})) names.add(name);
    }
  }
  return names;
}

/** The package names in the second column of the README's "Libraries and why" table. */
function librariesInReadme(): string[] {
  const section = read('README.md').split('## Libraries and why')[1]?.split('\n## ')[0] ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('| ') && !/^\| (need|---)/.test(line));
  return rows.flatMap((row) =>
    row
      .split('|')[2]
      .replace(/\([^)]*\)/g, '') // asides: "(pinned, …)", "(Debian's Chromium)"
      .split(/[,+]/)
      .map((part) => part.trim().replace(/\s+[\d.x]+$/, '').toLowerCase())
      .filter(Boolean),
  );
}

test('no page sends a reader to a Settings menu the console does not have', () => {
  const offenders = pages.filter((page) => /Settings\s*(→|>)/.test(read(page)));
  expect(offenders).toEqual([]);
});

test('the README points at no file outside the repository', () => {
  expect(read('README.md')).not.toMatch(/(^|[\s(`])(\.\.\/|shared\/)/m);
});

test('every library in the README\'s table is a dependency of the repository', () => {
  const libraries = librariesInReadme();
  expect(libraries.length).toBeGreaterThan(20);
  const declared = declaredPackages();
  expect(libraries.filter((name) => !declared.has(name))).toEqual([]);
});
