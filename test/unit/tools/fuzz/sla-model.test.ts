import { describe, expect, it } from 'vitest';
import { SlaModel, type Transition } from '../../../../tools/fuzz/sla-model.js';

const open = (key: string, dueAt = 100): Transition => ({
  kind: 'open',
  key,
  dim: '54|roads_transport|high',
  postedAt: 0,
  dueAt,
});
const answer = (key: string, answeredAt = 50): Transition => ({ kind: 'answer', key, answeredAt });
const totalsAfter = (...transitions: Transition[]) => {
  const model = new SlaModel();
  for (const t of transitions) model.apply(t);
  return model.totals;
};

describe('the fuzzer SLA model (lua/_README.md transitions)', () => {
  it('counts a reply and its comment the same in either order', () => {
    const a = totalsAfter(open('k'), answer('k'), answer('k', 200));
    const b = totalsAfter(answer('k'), open('k'), answer('k', 200));
    expect(a).toEqual(b);
    expect(a).toMatchObject({ opened: 1, open: 0, answered_in_time: 1, answered_late: 0 });
    expect(totalsAfter(answer('k', 150), open('k'))).toMatchObject({ opened: 1, answered_late: 1 });
  });

  it('cancels, counts a delete that came first, and counts a comment once', () => {
    expect(totalsAfter(open('k'), { kind: 'cancel', key: 'k' }, open('k'))).toMatchObject({
      opened: 1,
      open: 0,
      cancelled: 1,
    });
    expect(totalsAfter({ kind: 'cancel', key: 'k' }, open('k'))).toMatchObject({ opened: 0, cancelled: 1 });
    const na: Transition = { kind: 'notActionable', key: 'k', dim: '54|other|low' };
    expect(totalsAfter(open('k'), na, open('k'))).toMatchObject({ opened: 1, open: 1, not_actionable: 0 });
    expect(totalsAfter(answer('k'), na, na)).toMatchObject({ not_actionable: 1, answered_in_time: 0 });
  });
});
