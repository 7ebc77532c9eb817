/**
 * Shared by the preparation panel's tests (never bundled: index.ts does not import it):
 * preparations and log lines as the API returns them, and their stream frames.
 */
import { frame } from '../../../ui-shell/src/test-utils/fake-stream';
import type { LogLine, PreparationView, StepView } from './api';

export { FakeStreamServer, frame, routeStreamsTo } from '../../../ui-shell/src/test-utils/fake-stream';

export const SERVER_ID = '0b7f5f5e-1111-4c4c-9a9a-000000000001';

export const DEBIAN = { id: 'debian', versionId: '12', idLike: [], codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)', architecture: 'x86_64' };

/** The Debian plan: OS detection plus the preparer's steps. */
export const PLAN: ReadonlyArray<Pick<StepView, 'id' | 'title'>> = [
  { id: 'detect-os', title: 'Detect the operating system' },
  { id: 'update-package-index', title: 'Update the package index' },
  { id: 'install-docker', title: 'Install Docker' },
  { id: 'start-docker', title: 'Start Docker' },
  { id: 'docker-group', title: 'Let the SSH user run Docker' },
];

/** The plan's steps with the given states (missing ones `pending`). */
export function steps(states: Partial<Record<string, StepView['state']>> = {}): StepView[] {
  return PLAN.map((s) => ({ ...s, state: states[s.id] ?? 'pending' }));
}

export function makeView(overrides: Partial<PreparationView> = {}): PreparationView {
  return {
    preparationId: 'p-1',
    serverId: SERVER_ID,
    status: 'pending',
    currentStep: null,
    failedStep: null,
    error: null,
    steps: [],
    os: null,
    preparer: null,
    compose: null,
    startedAt: null,
    finishedAt: null,
    recentLog: [],
    ...overrides,
  };
}

/** A never-prepared server. */
export const NEVER_PREPARED: PreparationView = makeView({ preparationId: null });

export function line(id: number, message: string, overrides: Partial<LogLine> = {}): LogLine {
  return { id, at: '2025-03-01T10:00:00.000Z', step: null, level: 'info', message, ...overrides };
}

export const lineFrame = (l: LogLine) => frame('line', l, l.id);
export const stateFrame = (v: PreparationView) => frame('state', { ...v, recentLog: undefined });
export const END_FRAME = frame('end', {});
