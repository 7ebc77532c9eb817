/**
 * Test support for the preparers: a recording StepContext answering from a script of canned
 * results, the recorded os-release files, and a runner that applies a step only when its check
 * says it is not satisfied (as the preparation service does). Not part of the build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult } from '@tomo/plugin-servers/api';
import { StepFailure } from '../../step-failure';
import type { ComposeStatus, DetectedOs, DockerSource, PreparationStep, Privilege, RunOptions, StepContext } from '../../preparer-types';
import { parseOsRelease } from '../parse-os-release';

export type As = 'user' | 'root';
export type LogLevel = 'info' | 'warn' | 'error';

export interface RecordedCall {
  as: As;
  argv: string[];
  /** Through mustRunAsRoot (a non-zero exit throws). */
  must: boolean;
  options: RunOptions & { failure?: string };
}

interface Rule {
  key: string;
  as?: As;
  results: Array<Partial<ExecResult>>;
  used: number;
}

/** A canned result: exit code 0 unless told. */
export const ok = (stdout = ''): Partial<ExecResult> => ({ exitCode: 0, stdout });
/** A canned failure. */
export const fail = (exitCode = 1, stderr = ''): Partial<ExecResult> => ({ exitCode, stderr });

const keyOf = (argv: readonly string[]) => JSON.stringify(argv);

export class FakeStepContext implements StepContext {
  readonly calls: RecordedCall[] = [];
  readonly logs: Array<{ line: string; level: LogLevel }> = [];
  /** At each reconnect, how many commands had run: shows what came before it. */
  readonly reconnectedAfter: number[] = [];
  /** What steps recorded through recordCompose, in order. */
  readonly composeRecords: ComposeStatus[] = [];
  readonly username: string;
  readonly privilege: Privilege;
  readonly dockerSource: DockerSource;
  private readonly rules: Rule[] = [];

  constructor(
    readonly os: DetectedOs,
    options: { username?: string; privilege?: Privilege; dockerSource?: DockerSource } = {},
  ) {
    this.username = options.username ?? 'tomo-op';
    this.privilege = options.privilege ?? 'sudo-nopasswd';
    this.dockerSource = options.dockerSource ?? 'official';
  }

  /**
   * The next runs of exactly `argv` (as anyone, or only as `as`) answer `results` in turn; the
   * last one repeats. A later rule for the same argv replaces an earlier one. Unscripted
   * commands succeed with no output.
   */
  on(argv: readonly string[], ...results: Array<Partial<ExecResult>>): this {
    return this.addRule(argv, undefined, results);
  }

  onRoot(argv: readonly string[], ...results: Array<Partial<ExecResult>>): this {
    return this.addRule(argv, 'root', results);
  }

  private addRule(argv: readonly string[], as: As | undefined, results: Array<Partial<ExecResult>>): this {
    if (results.length === 0) throw new Error('on() needs at least one result');
    this.rules.unshift({ key: keyOf(argv), as, results, used: 0 });
    return this;
  }

  private answer(as: As, argv: readonly string[], options: RunOptions & { failure?: string } | undefined, must: boolean): ExecResult {
    for (const value of argv) if (typeof value !== 'string') throw new Error(`argv holds a ${typeof value}: ${JSON.stringify(argv)}`);
    this.calls.push({ as, argv: [...argv], must, options: { ...options } });
    const key = keyOf(argv);
    const rule = this.rules.find((r) => r.key === key && (!r.as || r.as === as));
    const canned = rule ? rule.results[Math.min(rule.used++, rule.results.length - 1)] : {};
    return { exitCode: 0, signal: null, stdout: '', stderr: '', truncated: false, durationMs: 1, ...canned };
  }

  async run(argv: readonly string[], options?: RunOptions): Promise<ExecResult> {
    return this.answer('user', argv, options, false);
  }

  async runAsRoot(argv: readonly string[], options?: RunOptions): Promise<ExecResult> {
    return this.answer('root', argv, options, false);
  }

  async mustRunAsRoot(argv: readonly string[], options?: RunOptions & { failure?: string }): Promise<ExecResult> {
    const result = this.answer('root', argv, options, true);
    if (result.exitCode !== 0) {
      throw new StepFailure(options?.failure ?? `${argv[0]} failed`, (result.stderr || result.stdout).trim());
    }
    return result;
  }

  log(line: string, level: LogLevel = 'info'): void {
    this.logs.push({ line, level });
  }

  async reconnect(): Promise<void> {
    this.reconnectedAfter.push(this.calls.length);
  }

  recordCompose(status: ComposeStatus): void {
    this.composeRecords.push(status);
  }

  /** Every command so far as `[as, argv]`, in order. */
  get commands(): Array<[As, string[]]> {
    return this.calls.map((call) => [call.as, call.argv]);
  }

  /** Commands recorded since `from` (an index into {@link calls}). */
  commandsSince(from: number): Array<[As, string[]]> {
    return this.commands.slice(from);
  }

  get warnings(): string[] {
    return this.logs.filter((entry) => entry.level === 'warn').map((entry) => entry.line);
  }

  get logLines(): string[] {
    return this.logs.map((entry) => entry.line);
  }
}

/** A recorded `/etc/os-release` file of `__fixtures__/os-release`. */
export function osReleaseText(name: string): string {
  return readFileSync(join(__dirname, 'os-release', name), 'utf8');
}

/** The DetectedOs of a recorded os-release file. */
export function loadOs(name: string, architecture = 'x86_64'): DetectedOs {
  return parseOsRelease(osReleaseText(name), architecture);
}

export type StepOutcome = 'satisfied' | 'applied';

/** What the preparation service does with one step: check; apply if needed; roll back a failed apply and rethrow. */
export async function runStep(step: PreparationStep, ctx: StepContext): Promise<StepOutcome> {
  if (await step.check(ctx)) return 'satisfied';
  try {
    await step.apply(ctx);
  } catch (error) {
    if (step.rollback) await step.rollback(ctx);
    throw error;
  }
  return 'applied';
}

/** Runs the steps in order, stopping at the first failure; returns each step's outcome. */
export async function runPlan(steps: readonly PreparationStep[], ctx: StepContext): Promise<Record<string, StepOutcome>> {
  const outcomes: Record<string, StepOutcome> = {};
  for (const step of steps) outcomes[step.id] = await runStep(step, ctx);
  return outcomes;
}

/** The step of a plan with this id. */
export function stepOf(steps: readonly PreparationStep[], id: string): PreparationStep {
  const step = steps.find((candidate) => candidate.id === id);
  if (!step) throw new Error(`no step ${id} in ${steps.map((s) => s.id).join(', ')}`);
  return step;
}
