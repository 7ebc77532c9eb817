'use strict';
// The one SUMMARY line every benchmark prints, built in one place so that `bench/run-all.js
// --strict` can read every benchmark's verdict the same way:
//
//   SUMMARY: <bench> PASS|FAIL <figure>=<value> (target <op> <value>) [<figure>=<value> ...]
//
// A figure with a target counts for the verdict (PASS only when every one is met); a figure
// without one (`note`) is context only. Values carry their unit glued on (`idle_rss=85.1MB`),
// so the line stays one space-separated list that a human and parseSummaryLine() both read.
//
//   const summary = createSummary('foundation');
//   summary.check('idle_rss', idleMB, '<=', 90, { unit: 'MB', digits: 1 });
//   summary.note('requests', total);
//   summary.print();              // once, at the end; returns { pass, line }

const OPS = {
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '==': (a, b) => a === b,
};

const NAME = /^[a-z0-9][a-z0-9_.-]*$/i;

/** A number with `digits` decimals (none for integers unless asked), or the value as text. */
function formatValue(value, digits, unit = '') {
  let text;
  if (typeof value === 'number' && Number.isFinite(value)) {
    text = digits === undefined ? String(Number.isInteger(value) ? value : Number(value.toFixed(2))) : value.toFixed(digits);
  } else {
    text = String(value).replace(/\s+/g, '_');
  }
  return `${text}${unit}`;
}

function createSummary(bench) {
  if (!NAME.test(bench)) throw new Error(`summary: benchmark name "${bench}" must be one word (letters, digits, _ . -)`);
  const figures = [];
  let printed = false;

  const add = (figure) => {
    if (!NAME.test(figure.name)) throw new Error(`summary: figure name "${figure.name}" must be one word (letters, digits, _ . -)`);
    if (figures.some((f) => f.name === figure.name)) throw new Error(`summary: figure "${figure.name}" given twice`);
    figures.push(figure);
  };

  return {
    /**
     * Records a figure with a target; returns whether it is met. A value that is not a finite
     * number (a measurement that did not happen) never meets its target.
     */
    check(name, value, op, target, { unit = '', digits } = {}) {
      if (!OPS[op]) throw new Error(`summary: unknown operator "${op}" (one of ${Object.keys(OPS).join(' ')})`);
      const pass = typeof value === 'number' && Number.isFinite(value) && OPS[op](value, target);
      add({ name, value, op, target, unit, digits, pass });
      return pass;
    },
    /** Records a figure without a target (context for the reader, not part of the verdict). */
    note(name, value, { unit = '', digits } = {}) {
      add({ name, value, unit, digits });
    },
    get pass() {
      return figures.every((f) => f.op === undefined || f.pass);
    },
    line() {
      const targets = figures.filter((f) => f.op !== undefined);
      if (targets.length === 0) throw new Error('summary: no figure with a target was checked');
      const parts = figures.map((f) => {
        const value = `${f.name}=${formatValue(f.value, f.digits, f.unit)}`;
        return f.op === undefined ? value : `${value} (target ${f.op} ${formatValue(f.target, undefined, f.unit)})`;
      });
      return `SUMMARY: ${bench} ${this.pass ? 'PASS' : 'FAIL'} ${parts.join(' ')}`;
    },
    /** Prints the line (after a blank line). A benchmark prints exactly one: a second call throws. */
    print(log = console.log) {
      if (printed) throw new Error('summary: printed twice');
      printed = true;
      const line = this.line();
      log(`\n${line}`);
      return { pass: this.pass, line };
    },
  };
}

const LINE = /^SUMMARY: (\S+) (PASS|FAIL)((?: .*)?)$/;
const FIGURE = /(\S+?)=(\S+)(?: \(target (<=|>=|==|<|>) (\S+)\))?/g;

/**
 * Reads a SUMMARY line back: { bench, pass, figures: [{ name, value, op?, target? }] }, or null
 * when the text is not one.
 */
function parseSummaryLine(text) {
  const m = LINE.exec(text.trim());
  if (!m) return null;
  const figures = [...m[3].matchAll(FIGURE)].map(([, name, value, op, target]) => (op ? { name, value, op, target } : { name, value }));
  if (!figures.some((f) => f.op)) return null;
  return { bench: m[1], pass: m[2] === 'PASS', figures };
}

module.exports = { createSummary, parseSummaryLine, formatValue };
