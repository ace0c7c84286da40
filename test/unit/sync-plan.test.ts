import { describe, expect, it } from 'vitest';
import { planSpans } from '../../src/sync/sessions.js';

const opts = { overlapDays: 1, openSince: null };

describe('planSpans (which days of an asset to list)', () => {
  it('lists everything wanted on the first run and covers it', () => {
    expect(planSpans({ from: '2024-01-01', to: '2024-03-01' }, null, opts)).toEqual({
      spans: [{ from: '2024-01-01', to: '2024-03-01' }],
      coverage: { from: '2024-01-01', to: '2024-03-01' },
    });
  });

  it('lists only from the day before the last synced day on the next run', () => {
    const r = planSpans(
      { from: '2024-01-01', to: '2024-03-05' },
      { from: '2024-01-01', to: '2024-03-01' },
      opts,
    );
    expect(r.spans).toEqual([{ from: '2024-02-29', to: '2024-03-05' }]);
    expect(r.coverage).toEqual({ from: '2024-01-01', to: '2024-03-05' });
  });

  it('goes back to the oldest session still open, to learn when it ended', () => {
    const r = planSpans(
      { from: '2024-01-01', to: '2024-03-05' },
      { from: '2024-01-01', to: '2024-03-05' },
      { overlapDays: 1, openSince: '2024-02-10' },
    );
    expect(r.spans).toEqual([{ from: '2024-02-10', to: '2024-03-05' }]);
  });

  it('fills in days before the covered range when --from reaches further back', () => {
    const r = planSpans(
      { from: '2023-06-01', to: '2024-03-05' },
      { from: '2024-01-01', to: '2024-03-05' },
      opts,
    );
    expect(r.spans).toEqual([
      { from: '2023-06-01', to: '2023-12-31' },
      { from: '2024-03-04', to: '2024-03-05' },
    ]);
    expect(r.coverage).toEqual({ from: '2023-06-01', to: '2024-03-05' });
  });

  it('does not extend the checkpoint over a gap it did not read', () => {
    const r = planSpans(
      { from: '2024-06-01', to: '2024-06-30' },
      { from: '2024-01-01', to: '2024-03-05' },
      opts,
    );
    expect(r.spans).toEqual([{ from: '2024-06-01', to: '2024-06-30' }]);
    expect(r.coverage).toEqual({ from: '2024-01-01', to: '2024-03-05' });
  });

  it('asks nothing for an already covered past range', () => {
    const r = planSpans(
      { from: '2024-01-10', to: '2024-01-20' },
      { from: '2024-01-01', to: '2024-03-05' },
      opts,
    );
    expect(r.spans).toEqual([]);
  });
});
