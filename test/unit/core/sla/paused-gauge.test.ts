import { describe, expect, it } from 'vitest';
import type { AppealState } from '../../../../services/core/sla/appeal.js';
import { pausedGaugeDeltas } from '../../../../services/core/sla/paused-gauge.js';

const base = {
  key: 'VK:1',
  subject: { region: '54', category: 'roads_transport', type: 'complaint', priority: 'normal' },
  status: 'OPEN',
  pause: null,
} as unknown as AppealState;
const paused = { ...base, pause: { since: 1, reason: 'WAITING_FOR_CITIZEN', budgetMs: null } } as AppealState;

describe('the paused gauge', () => {
  it('moves when a pause starts or ends, and not on a step that keeps it', () => {
    expect(pausedGaugeDeltas(base, paused)).toEqual([{ dim: '54|roads_transport|normal', delta: 1 }]);
    expect(pausedGaugeDeltas(paused, base)).toEqual([{ dim: '54|roads_transport|normal', delta: -1 }]);
    expect(pausedGaugeDeltas(paused, { ...paused, seen: ['x'] } as AppealState)).toEqual([]);
    expect(pausedGaugeDeltas(undefined, base)).toEqual([]);
  });

  it('leaves it when the appeal finishes while paused, and follows a correction of its subject', () => {
    expect(pausedGaugeDeltas(paused, { ...paused, status: 'RESOLVED' })).toEqual([
      { dim: '54|roads_transport|normal', delta: -1 },
    ]);
    const critical = { ...paused, subject: { ...paused.subject, priority: 'critical' } } as AppealState;
    expect(pausedGaugeDeltas(paused, critical)).toEqual([
      { dim: '54|roads_transport|normal', delta: -1 },
      { dim: '54|roads_transport|critical', delta: 1 },
    ]);
  });
});
