import { mount } from '@vue/test-utils';
import { busyStates, type StatusKind } from '../status-looks';
import TIcon from './TIcon.vue';
import TStatusBadge from './TStatusBadge.vue';
import TStepList from './TStepList.vue';

const badge = (kind: StatusKind, status: string, detail?: string) => mount(TStatusBadge, { props: { kind, status, detail } });

describe('TStatusBadge', () => {
  it('one tone per server status, wherever it is shown', () => {
    const looks = ['online', 'offline', 'error', 'unknown'].map((s) => {
      const w = badge('server', s);
      return [w.text(), w.classes().find((c) => c.startsWith('t-badge--')), w.attributes('data-status')];
    });
    expect(looks).toEqual([
      ['Online', 't-badge--success', 'online'],
      ['Offline', 't-badge--warning', 'offline'],
      ['Error', 't-badge--danger', 'error'],
      ['Unknown', 't-badge--neutral', 'unknown'],
    ]);
  });

  it('app and preparation states: a spinner while work is in progress, a dot otherwise', () => {
    const installing = badge('app', 'installing');
    expect(installing.text()).toBe('Installing');
    expect(installing.find('.t-spinner').exists()).toBe(true);
    expect(installing.find('.t-status__dot').exists()).toBe(false);
    const preparing = badge('preparation', 'in_progress');
    expect([preparing.text(), preparing.classes()]).toEqual(['Preparing', expect.arrayContaining(['t-badge--info'])]);
    const running = badge('app', 'running');
    expect(running.find('.t-status__dot').exists()).toBe(true);
    expect(running.find('.t-spinner').exists()).toBe(false);
    expect(badge('preparation', 'completed').text()).toBe('Prepared');
    expect(badge('result', 'failed').classes()).toContain('t-badge--danger');
    expect([badge('account', 'disabled').text(), badge('plugin', 'active').text()]).toEqual(['Disabled', 'Active']);
  });

  it('shows the hint on hover, a detail instead when given, and an unknown state as itself in amber', () => {
    expect(badge('app', 'missing').attributes('title')).toBe('The container is gone from Docker');
    expect(badge('server', 'error', 'Authentication failed').attributes('title')).toBe('Authentication failed');
    const odd = badge('app', 'paused');
    expect([odd.text(), odd.classes()]).toEqual(['paused', expect.arrayContaining(['t-badge--warning'])]);
    expect(odd.attributes('title')).toBeUndefined();
  });

  it('names the states in which work is in progress', () => {
    expect([...busyStates('app')]).toEqual(['installing', 'removing']);
    expect([...busyStates('preparation')]).toEqual(['in_progress']);
    expect(busyStates('server').size).toBe(0);
  });
});

describe('TStepList', () => {
  const steps = [
    { id: 'check', title: 'Check the server', state: 'done' },
    { id: 'pull', title: 'Get the image', state: 'skipped' },
    { id: 'start', title: 'Start the container', state: 'running', detail: 'Starting…' },
    { id: 'health', title: 'Check that the app answers', state: 'pending' },
  ];

  it('shows each step with its words and mark; the running step is current', () => {
    const w = mount(TStepList, { props: { steps, testIdPrefix: 'install-step-' } });
    const items = w.findAll('li');
    expect(items.map((li) => [li.attributes('data-testid'), li.attributes('data-state'), li.get('.t-step__state').text()])).toEqual([
      ['install-step-check', 'done', 'Done'],
      ['install-step-pull', 'skipped', 'Skipped'],
      ['install-step-start', 'running', 'Running…'],
      ['install-step-health', 'pending', 'Waiting'],
    ]);
    expect(items.map((li) => li.get('.t-step__marker').text())).toEqual(['✓', '–', '', '4']);
    expect(items[2].find('.t-spinner').exists()).toBe(true);
    expect(items[2].get('.t-step__detail').text()).toBe('Starting…');
    expect(items[2].attributes('aria-current')).toBe('step');
    expect(items[2].classes()).toContain('is-current');
    expect(w.findAll('[aria-current]')).toHaveLength(1);
  });

  it('a given current step is highlighted, and marked for screen readers only while active', async () => {
    const failed = [
      { id: 'detect-os', title: 'Detect', state: 'applied' },
      { id: 'install-docker', title: 'Install Docker', state: 'rolled_back' },
    ];
    const w = mount(TStepList, { props: { steps: failed, current: 'install-docker', active: false } });
    expect(w.find('[aria-current]').exists()).toBe(false);
    expect(w.get('[data-step="install-docker"]').classes()).toContain('is-current');
    expect(w.get('[data-step="install-docker"] .t-step__state').text()).toBe('Failed, changes undone');
    await w.setProps({ active: true });
    expect(w.get('[aria-current="step"]').attributes('data-step')).toBe('install-docker');
  });
});

describe('TIcon', () => {
  it('draws the named icon from the one table, and a dot for a name it does not know', () => {
    const edit = mount(TIcon, { props: { name: 'edit' } });
    expect(edit.findAll('path').map((p) => p.attributes('d'))).toEqual(['M4 20h4L19 9l-4-4L4 16v4z', 'M13.5 6.5l4 4']);
    expect([edit.attributes('width'), edit.attributes('aria-hidden')]).toEqual(['18', 'true']);
    const unknown = mount(TIcon, { props: { name: 'toString', size: 20 } });
    expect(unknown.findAll('path')).toHaveLength(0);
    expect(unknown.find('circle.t-icon__dot').exists()).toBe(true);
    expect(unknown.attributes('width')).toBe('20');
  });
});
