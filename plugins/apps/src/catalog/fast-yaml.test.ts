import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseAppDefinition } from './definition-schema';
import { mayHoldAnchorAliasOrTag, parseYamlQuickly } from './fast-yaml';
import { BUILTIN_CATALOG } from './test-fixtures';

const curated = fs.readdirSync(BUILTIN_CATALOG).filter((f) => f.endsWith('.yaml'));

test.each(curated)('%s reads the same the quick way as the careful way (YAML 1.2 core)', (file) => {
  const text = fs.readFileSync(path.join(BUILTIN_CATALOG, file), 'utf8');
  const quick = parseYamlQuickly(text, 12);
  const careful = YAML.parse(text, { version: '1.2', uniqueKeys: true, strict: true });
  if (quick === undefined) return expect(mayHoldAnchorAliasOrTag(text)).toBe(true);
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

test('every curated definition takes the quick path, so start-up never loads the careful parser', () => {
  for (const file of curated) expect([file, parseYamlQuickly(fs.readFileSync(path.join(BUILTIN_CATALOG, file), 'utf8'), 12) !== undefined]).toEqual([file, true]);
});

test.each([
  ['a comment line', '# see GITEA__database__* & co\na: 1\n', false],
  ['an indented comment line', 'a:\n  # b: *x\n  c: 1\n', false],
  ['an alias after a comment on the same line', 'a: 1 # fine\nb: *x\n', true],
  ['an anchor at the start of a line', 'a:\n  &x\n', true],
  ['a tag', 'a: !!str 1\n', true],
  ['text after a comment mark in a value', 'a: "x # y & z"\n', true],
])('anchor, alias or tag check: %s', (_what, text, expected) => {
  expect(mayHoldAnchorAliasOrTag(text)).toBe(expected);
});

test('YAML 1.1 words stay strings and dates stay text, as in the careful path', () => {
  expect(parseYamlQuickly('a: yes\nb: 2025-01-01\nc: 010\nd: 1.10\n', 12)).toEqual({ a: 'yes', b: '2025-01-01', c: 10, d: 1.1 });
  expect(YAML.parse('a: yes\nb: 2025-01-01\nc: 010\nd: 1.10\n', { version: '1.2' })).toEqual({ a: 'yes', b: '2025-01-01', c: 10, d: 1.1 });
});
