import { blankRuleForm, draftOf, formOfRule } from './rule-form';
import { makeRule } from './test-fixtures';

describe('rule form', () => {
  it('turns a metric form into the draft the API takes (numbers, null for an empty clear threshold, null server for all)', () => {
    expect(draftOf({ ...blankRuleForm(), name: ' Disk ', clearThreshold: '' })).toEqual({
      draft: { name: 'Disk', enabled: true, kind: 'metric', metric: 'disk_root', operator: '>', threshold: 90, forMinutes: 10, clearThreshold: null, event: null, serverId: null, severity: 'warning', channelIds: [] },
    });
  });

  it('an event rule carries no metric fields, even when the form still holds them', () => {
    const result = draftOf({ ...blankRuleForm(), name: 'Down', kind: 'event', event: 'server_offline', threshold: 'x' });
    expect(result).toEqual({
      draft: { name: 'Down', enabled: true, kind: 'event', event: 'server_offline', metric: null, operator: null, threshold: null, forMinutes: null, clearThreshold: null, serverId: null, severity: 'warning', channelIds: [] },
    });
  });

  it('names each wrong field: threshold, minutes, and a clear threshold on the wrong side', () => {
    expect(draftOf({ ...blankRuleForm(), name: 'x', threshold: 'abc', forMinutes: '2.5' })).toEqual({ errors: { threshold: 'Enter a number', forMinutes: 'Enter whole minutes from 0 to 1440' } });
    expect(draftOf({ ...blankRuleForm(), name: 'x', operator: '<', threshold: '10', clearThreshold: '5' })).toEqual({ errors: { clearThreshold: 'For “below”, use at least the threshold' } });
    expect(draftOf({ ...blankRuleForm(), name: 'x'.repeat(101) })).toEqual({ errors: { name: 'Use at most 100 characters' } });
  });

  it('reads an existing rule back into the form', () => {
    const form = formOfRule(makeRule(1, { threshold: 2.5, metric: 'load', clearThreshold: 2, serverId: 's-1', channelIds: ['c-1'] }));
    expect(form).toMatchObject({ metric: 'load', threshold: '2.5', clearThreshold: '2', forMinutes: '10', serverId: 's-1', channelIds: ['c-1'] });
    expect(draftOf(form)).toMatchObject({ draft: { threshold: 2.5, clearThreshold: 2, serverId: 's-1' } });
  });
});
