import { healthOf, reconcileServices } from './project-state';

const snap = (state: string, status = '') => ({ state, status });

test.each([
  ['Up 3 minutes (healthy)', 'healthy'],
  ['Up 3 seconds (health: starting)', 'starting'],
  ['Up 2 minutes (unhealthy)', 'unhealthy'],
  ['Up 2 minutes', null],
])('health of %j is %j', (status, health) => {
  expect(healthOf(status)).toBe(health);
});

test('all services running and healthy: the app runs', () => {
  const r = reconcileServices('running', ['web', 'db'], new Map([['web', snap('running', 'Up 1 minute')], ['db', snap('running', 'Up 1 minute (healthy)')]]));
  expect(r).toEqual({
    state: 'running',
    detail: null,
    services: [
      { name: 'web', state: 'running', health: null, detail: null },
      { name: 'db', state: 'running', health: 'healthy', detail: null },
    ],
  });
});

test('the worst service decides, named in the detail: starting < unhealthy < exited < gone', () => {
  const starting = reconcileServices('running', ['web', 'db'], new Map([['web', snap('running', 'Up')], ['db', snap('running', 'Up 2 seconds (health: starting)')]]));
  expect(starting).toMatchObject({ state: 'running', detail: expect.stringMatching(/^db: Starting/) });
  const unhealthy = reconcileServices('running', ['web', 'db'], new Map([['web', snap('running', 'Up (health: starting)')], ['db', snap('running', 'Up 5 minutes (unhealthy)')]]));
  expect(unhealthy).toMatchObject({ state: 'crashed', detail: expect.stringMatching(/^db: Its health check fails/) });
  const exited = reconcileServices('running', ['web', 'db'], new Map([['web', snap('exited', 'Exited (1) 3 seconds ago')], ['db', snap('running', 'Up (unhealthy)')]]));
  expect(exited).toMatchObject({ state: 'crashed', detail: expect.stringMatching(/^web: The container stopped when it should run: Exited \(1\)/) });
  const gone = reconcileServices('running', ['web', 'db', 'cache'], new Map([['web', snap('exited', 'Exited (1)')], ['db', snap('running', 'Up')]]));
  expect(gone).toMatchObject({ state: 'missing', detail: expect.stringMatching(/^cache: The container is gone/) });
  expect(gone.services.map((s) => s.state)).toEqual(['crashed', 'running', 'missing']);
});

test('a stopped app whose services are all stopped is stopped; one service is named without a prefix', () => {
  expect(reconcileServices('stopped', ['web', 'db'], new Map([['web', snap('exited', 'Exited (0)')], ['db', snap('exited', 'Exited (0)')]]))).toMatchObject({ state: 'stopped', detail: null });
  expect(reconcileServices('running', ['app'], new Map([['app', snap('restarting', 'Restarting (1) 2 seconds ago')]]))).toMatchObject({ state: 'crashed', detail: expect.stringMatching(/^The container keeps crashing/) });
});

test('containers of services the app no longer has are ignored', () => {
  expect(reconcileServices('running', ['web'], new Map([['web', snap('running', 'Up')], ['old', snap('exited', 'Exited (1)')]])).state).toBe('running');
});
