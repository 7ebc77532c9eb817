import { describeActivity } from '../src/describe';
import { ACTIONS } from './log-filters';
import { makeEntry } from './test-fixtures';

// The panels show the backend's sentence (`summary`); every action the Activity page offers as a
// filter must have its own wording, not the fallback "who: words (target)".
test('every action the Activity page offers as a filter has a sentence of its own', () => {
  const fallbacks = ACTIONS.map((action) => ({ action, summary: describeActivity(makeEntry(1, { action, targetName: 'web-1' })) })).filter((e) => e.summary.includes(':'));
  expect(fallbacks).toEqual([]);
});
