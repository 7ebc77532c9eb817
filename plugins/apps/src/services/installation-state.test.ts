import { reconcileState, type EngineView } from './installation-state';

const engine = (state: string, status = ''): EngineView => ({ ok: true, containers: new Map([['i1', { state, status }]]) });

test.each([
  ['running', 'running', 'running', null],
  ['stopped', 'running', 'running', /Started outside Tomo/],
  ['running', 'exited', 'crashed', /stopped when it should run: Exited \(137\)/],
  ['stopped', 'exited', 'stopped', null],
  ['running', 'restarting', 'crashed', /crashing/],
  ['running', 'dead', 'crashed', /should run/],
  ['stopped', 'paused', 'stopped', /Paused/],
  ['running', 'created', 'crashed', /should run/],
  ['running', 'weird', 'crashed', /weird/],
  ['stopped', 'weird', 'stopped', /weird/],
] as const)('recorded %s + engine %s → %s', (recorded, engineState, expected, detail) => {
  const r = reconcileState('i1', recorded, engine(engineState, engineState === 'exited' ? 'Exited (137) 2 seconds ago' : ''));
  expect(r.state).toBe(expected);
  if (detail) expect(r.detail).toMatch(detail);
  else expect(r.detail).toBeNull();
});

test('a container the engine does not list is missing', () => {
  expect(reconcileState('i2', 'running', engine('running')).state).toBe('missing');
});

test('an engine that cannot be asked gives unknown with the reason', () => {
  expect(reconcileState('i1', 'running', { ok: false, reason: 'Docker is not answering' })).toEqual({ state: 'unknown', detail: 'Docker is not answering' });
});

test.each(['installing', 'failed', 'removing'] as const)('%s is shown as recorded, whatever the engine says', (recorded) => {
  expect(reconcileState('i1', recorded, { ok: false, reason: 'x' }).state).toBe(recorded);
});
