import { EventEmitter } from 'node:events';
import type { InstallStepId, InstallStepState, InstallStepView } from '../views';

const STEPS: ReadonlyArray<[InstallStepId, string]> = [
  ['check', 'Check the server'],
  ['pull', 'Get the image'],
  ['create', 'Create the container'],
  ['start', 'Start the container'],
  ['health', 'Check that the app answers'],
];

/** The install steps, all pending. */
export function initialProgress(): InstallStepView[] {
  return STEPS.map(([id, title]) => ({ id, title, state: 'pending', detail: null }));
}

/**
 * The progress of one install: changed in memory as it goes (pull progress can change many times
 * a second) and saved through `persist` on every state change, not on every detail line.
 */
export class InstallProgress {
  readonly steps: InstallStepView[];
  /** Emits `change` with a copy of the steps on every change (state or detail line): the install's event stream follows it. */
  readonly changes = new EventEmitter();

  constructor(
    steps: InstallStepView[],
    private readonly persist: (steps: InstallStepView[]) => Promise<void>,
  ) {
    this.steps = steps.map((s) => ({ ...s }));
  }

  private step(id: InstallStepId): InstallStepView {
    return this.steps.find((s) => s.id === id)!;
  }

  async set(id: InstallStepId, state: InstallStepState, detail: string | null = null): Promise<void> {
    Object.assign(this.step(id), { state, detail });
    this.changed();
    await this.persist(this.steps);
  }

  /** A new detail line for the running step (kept in memory; saved with the next state change). */
  detail(id: InstallStepId, detail: string): void {
    this.step(id).detail = detail;
    this.changed();
  }

  private changed(): void {
    this.changes.emit('change', this.steps.map((s) => ({ ...s })));
  }

  /** The step that was running, or the first pending one: where a failure belongs. */
  current(): InstallStepId {
    return (this.steps.find((s) => s.state === 'running') ?? this.steps.find((s) => s.state === 'pending') ?? this.steps[this.steps.length - 1]).id;
  }
}
