import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseAppDefinition } from './definition-schema';
import { parseYamlQuickly } from './fast-yaml';
import { BUILTIN_CATALOG } from './test-fixtures';

const curated = fs.readdirSync(BUILTIN_CATALOG).filter((f) => f.endsWith('.yaml'));

test.each(curated)('%s reads the same the quick way as the careful way (YAML 1.2 core)', (file) => {
  const text = fs.readFileSync(path.join(BUILTIN_CATALOG, file), 'utf8');
  const quick = parseYamlQuickly(text, 12);
  const careful = YAML.parse(text, { version: '1.2', uniqueKeys: true, strict: true });
  if (quick === undefined) return expect(/[&*!]/.test(text)).toBe(true);
  expect(quick).toEqual(careful);
  expect(parseAppDefinition(quick, file).app).toEqual(parseAppDefinition(careful, file).app);
});

test.each([
  ['an anchor or alias', 'a: &x 1\nb: *x\n'],
  ['a tag', 'a: !!binary aGk=\n'],
  ['a syntax error', 'a: [1, 2\n'],
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['a list at the top', '- a\n- b\n'],
  ['a scalar at the top', 'just text\n'],
  ['an empty file', ''],
  ['nesting deeper than the limit', 'a: [[[[1]]]]\n'],
])('gives up on %s (the careful path reports it)', (_what, text) => {
  expect(parseYamlQuickly(text, 3)).toBeUndefined();
});

test('YAML 1.1 words stay strings and dates stay text, as in the careful path', () => {
  expect(parseYamlQuickly('a: yes\nb: 2025-01-01\nc: 010\nd: 1.10\n', 12)).toEqual({ a: 'yes', b: '2025-01-01', c: 10, d: 1.1 });
  expect(YAML.parse('a: yes\nb: 2025-01-01\nc: 010\nd: 1.10\n', { version: '1.2' })).toEqual({ a: 'yes', b: '2025-01-01', c: 10, d: 1.1 });
});
