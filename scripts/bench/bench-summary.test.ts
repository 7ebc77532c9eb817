// The benchmarks' shared SUMMARY line (bench/lib/summary.js) and `run-all --strict`
// (bench/lib/run-benchmarks.js): real Node child processes running tiny benchmark scripts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

interface Summary {
  check(name: string, value: unknown, op: string, target: number, options?: { unit?: string; digits?: number }): boolean;
  note(name: string, value: unknown, options?: { unit?: string; digits?: number }): void;
  readonly pass: boolean;
  line(): string;
  print(log?: (text: string) => void): { pass: boolean; line: string };
}
interface Parsed {
  bench: string;
  pass: boolean;
  figures: { name: string; value: string; op?: string; target?: string }[];
}
const SUMMARY_JS = path.resolve(__dirname, '../../bench/lib/summary.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script, no types
const { createSummary, parseSummaryLine } = require(SUMMARY_JS) as {
  createSummary(bench: string): Summary;
  parseSummaryLine(text: string): Parsed | null;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script, no types
const { runBenchmarks, listBenchmarks } = require('../../bench/lib/run-benchmarks.js') as {
  runBenchmarks(o: { dir: string; files: string[]; strict?: boolean; out: Writable }): Promise<number>;
  listBenchmarks(dir: string, o?: { filters?: string[]; exclude?: string[]; parts?: string[] }): string[];
};

describe('createSummary', () => {
  it('prints one line with every figure, its target, and PASS only when every target is met', () => {
    const s = createSummary('foundation');
    expect(s.check('idle_rss', 85.14, '<=', 90, { unit: 'MB', digits: 1 })).toBe(true);
    expect(s.check('ratio', 0.61, '>=', 0.65)).toBe(false);
    s.note('requests', 12345);
    expect(s.line()).toBe('SUMMARY: foundation FAIL idle_rss=85.1MB (target <= 90MB) ratio=0.61 (target >= 0.65) requests=12345');
    expect(s.pass).toBe(false);
  });

  it('a figure that was not measured (NaN) fails its target', () => {
    const s = createSummary('x');
    expect(s.check('p95', NaN, '<=', 10)).toBe(false);
    expect(s.line()).toBe('SUMMARY: x FAIL p95=NaN (target <= 10)');
  });

  it('refuses a second print, a figure named twice, an unknown operator and a line without targets', () => {
    const s = createSummary('x');
    expect(() => s.line()).toThrow(/no figure with a target/);
    s.check('a', 1, '==', 1);
    expect(() => s.check('a', 2, '<=', 3)).toThrow(/given twice/);
    expect(() => s.check('b', 2, '=<', 3)).toThrow(/unknown operator/);
    const printed: string[] = [];
    expect(s.print((t) => printed.push(t))).toEqual({ pass: true, line: 'SUMMARY: x PASS a=1 (target == 1)' });
    expect(() => s.print(() => undefined)).toThrow(/printed twice/);
    expect(printed).toEqual(['\nSUMMARY: x PASS a=1 (target == 1)']);
  });

  it('parseSummaryLine reads back what createSummary writes', () => {
    const s = createSummary('monitoring');
    s.check('cpu', 3.2, '<=', 10, { unit: '%' });
    s.note('servers', 50);
    expect(parseSummaryLine(s.line())).toEqual({
      bench: 'monitoring',
      pass: true,
      figures: [
        { name: 'cpu', value: '3.2%', op: '<=', target: '10%' },
        { name: 'servers', value: '50' },
      ],
    });
    expect(parseSummaryLine('SUMMARY: free text without targets')).toBeNull();
    expect(parseSummaryLine('not a summary')).toBeNull();
  });
});

describe('runBenchmarks (run-all)', () => {
  let dir: string;
  const script = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `${body}\n`);
  const summaryScript = (bench: string, value: number) =>
    `const s = require(${JSON.stringify(SUMMARY_JS)}).createSummary('${bench}'); console.log('figures...'); s.check('t', ${value}, '<=', 10); s.print();`;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-bench-runall-'));
    script('a-pass.js', summaryScript('a', 5));
    script('b-fail.js', summaryScript('b', 50));
    script('c-broken.js', "console.log('starting'); process.exit(1);");
    script('d-silent.js', "console.log('figures but no summary');");
    script('e-twice.js', `${summaryScript('e', 1)} console.log('SUMMARY: e PASS t=1 (target <= 10)');`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(files: string[], strict: boolean) {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    });
    const code = await runBenchmarks({ dir, files, strict, out });
    return { code, text };
  }

  it('lists benchmarks by name words, leaving parts out of a full run', () => {
    expect(listBenchmarks(dir, { exclude: ['e-twice.js'], parts: ['d-silent.js'] })).toEqual(['a-pass.js', 'b-fail.js', 'c-broken.js']);
    expect(listBenchmarks(dir, { filters: ['silent', 'pass'], parts: ['d-silent.js'] })).toEqual(['a-pass.js', 'd-silent.js']);
  });

  it('a missed target exits 0 without --strict and 1 with it; the SUMMARY lines are collected at the end', async () => {
    const lenient = await run(['a-pass.js', 'b-fail.js'], false);
    expect(lenient.code).toBe(0);
    const strict = await run(['a-pass.js', 'b-fail.js'], true);
    expect(strict.code).toBe(1);
    expect(strict.text).toMatch(/b-fail\.js\s+FAIL \(target missed\)/);
    const tail = strict.text.slice(strict.text.indexOf('SUMMARY lines:'));
    expect(tail).toContain('SUMMARY: a PASS t=5 (target <= 10)\nSUMMARY: b FAIL t=50 (target <= 10)\n');
    expect(strict.text).toContain('figures...'); // the benchmark's own output passed through
  });

  it('every target met passes --strict', async () => {
    expect((await run(['a-pass.js'], true)).code).toBe(0);
  });

  it('a crash, a missing SUMMARY line or two of them count as broken, with or without --strict', async () => {
    for (const file of ['c-broken.js', 'd-silent.js', 'e-twice.js']) {
      const r = await run(['a-pass.js', file], false);
      expect(r.code).toBe(1);
      expect(r.text).toMatch(new RegExp(`${file.replace('.', '\\.')}\\s+BROKEN`));
    }
  });
});
