import { AsyncSeriesBailHook, SyncHook } from 'tapable';
import { defineHookSet, HookRegistry, StagedHookRegistry } from './hook-set';

const ref = defineHookSet('demo', () => ({
  happened: new SyncHook<[string]>(['what']),
  decide: new AsyncSeriesBailHook<[number], string | undefined>(['n']),
  label: 'not a hook',
}));

test('a staged view holds taps back until commit, then taps go straight through', async () => {
  const registry = new HookRegistry();
  const staged = new StagedHookRegistry(registry);
  const seen: string[] = [];
  const view = staged.of(ref);
  expect(staged.of(ref)).toBe(view);
  view.happened.tap('p', (w) => void seen.push(`p:${w}`));
  view.decide.tapPromise('p', async (n) => `decided ${n}`);
  // Calls still work while staging, and reach only taps already committed.
  view.happened.call('early');
  expect(await view.decide.promise(1)).toBeUndefined();
  expect(registry.of(ref).happened.isUsed()).toBe(false);
  expect(seen).toEqual([]);

  staged.commit();
  registry.of(ref).happened.call('late');
  expect(seen).toEqual(['p:late']);
  expect(await registry.of(ref).decide.promise(2)).toBe('decided 2');

  view.happened.tap('after', (w) => void seen.push(`after:${w}`));
  registry.of(ref).happened.call('again');
  expect(seen).toEqual(['p:late', 'p:again', 'after:again']);
});

test('values in a hook set that are not hooks pass through unchanged', () => {
  const staged = new StagedHookRegistry(new HookRegistry());
  expect(staged.of(ref).label).toBe('not a hook');
  expect(Object.isFrozen(staged.of(ref))).toBe(true);
});
