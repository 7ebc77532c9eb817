import { initialProgress, InstallProgress } from './install-progress';

describe('InstallProgress changes', () => {
  it('announces every state change and detail line with a copy of the steps; saves only state changes', async () => {
    const saved: string[][] = [];
    const progress = new InstallProgress(initialProgress(), async (steps) => void saved.push(steps.map((s) => `${s.id}:${s.state}`)));
    const seen: Array<Array<{ id: string; state: string; detail: string | null }>> = [];
    progress.changes.on('change', (steps) => seen.push(steps));

    await progress.set('pull', 'running');
    progress.detail('pull', 'Downloading 1 MB / 4 MB');
    await progress.set('pull', 'done', 'image pulled');

    expect(seen.map((steps) => steps.find((s) => s.id === 'pull'))).toEqual([
      { id: 'pull', title: 'Get the image', state: 'running', detail: null },
      { id: 'pull', title: 'Get the image', state: 'running', detail: 'Downloading 1 MB / 4 MB' },
      { id: 'pull', title: 'Get the image', state: 'done', detail: 'image pulled' },
    ]);
    // Copies: a listener keeping them sees them as they were.
    expect(seen[0]).not.toBe(progress.steps);
    expect(seen[0][1]).not.toBe(progress.steps[1]);
    expect(saved).toHaveLength(2);
  });
});
