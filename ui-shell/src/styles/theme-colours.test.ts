/**
 * The light and the dark theme are the same CSS custom properties with two sets of values
 * (base.css). A colour written anywhere else would stay the same in both themes: these checks keep
 * every page's and plugin panel's colours in the tokens.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BASE = path.join(ROOT, 'ui-shell/src/styles/base.css');
const COLOUR = /#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(/;

/** Colours that are the same in both themes on purpose, with the reason. */
const OWN_COLOURS: Record<string, string> = {
  'plugins/apps/ui/apps.css': 'the six fixed colours behind an app initial (white reads on each)',
  'plugins/preparation/ui/preparation.css': 'the command output is a terminal, dark in both themes',
  'ui-shell/src/kit/terminal/xterm-screen.ts': "the terminal's own colours (xterm.js theme), dark in both themes",
  'plugins/monitoring/ui/charts.ts': "the chart lines' colours (at least 3:1 on both themes' cards)",
  'plugins/monitoring/ui/components/MetricChart.vue': "the axes' fallbacks when the theme cannot be read",
};

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : files(full);
    return /\.(css|vue|ts)$/.test(entry.name) && !/\.test\.ts$|test-fixtures\.ts$/.test(entry.name) ? [full] : [];
  });
}

const consoleFiles = [
  ...files(path.join(ROOT, 'ui-shell/src')),
  ...fs
    .readdirSync(path.join(ROOT, 'plugins'))
    .map((p) => path.join(ROOT, 'plugins', p, 'ui'))
    .filter((dir) => fs.existsSync(dir))
    .flatMap(files),
];

/** The `--c-*` tokens a block of base.css sets. */
const tokensIn = (css: string) => new Set([...css.matchAll(/(--c-[a-z0-9-]+)\s*:/g)].map((m) => m[1]));

test('no page or panel writes a colour of its own: they use the theme tokens of base.css', () => {
  const offenders: string[] = [];
  for (const file of consoleFiles) {
    const name = path.relative(ROOT, file);
    if (file === BASE || OWN_COLOURS[name]) continue;
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (COLOUR.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line)) offenders.push(`${name}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(consoleFiles.length).toBeGreaterThan(50);
  expect(offenders).toEqual([]);
});

test('the dark theme gives every colour token a value of its own, and every token used is defined', () => {
  const css = fs.readFileSync(BASE, 'utf8');
  const dark = css.slice(css.indexOf('@media (prefers-color-scheme: dark)'));
  const light = css.slice(0, css.indexOf('@media (prefers-color-scheme: dark)'));
  expect(dark.length).toBeGreaterThan(100);
  const lightTokens = tokensIn(light);
  const darkTokens = tokensIn(dark);
  expect([...lightTokens].filter((t) => !darkTokens.has(t))).toEqual([]);
  const used = new Set(consoleFiles.flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/var\((--c-[a-z0-9-]+)/g)].map((m) => m[1])));
  expect([...used].filter((t) => !lightTokens.has(t))).toEqual([]);
});
