import { describe, expect, it } from 'vitest';
import { agreementPerField, type Labels } from '../../../../services/core/sla/corrections.js';

const labels = (overrides: Partial<Labels> = {}): Labels => ({
  category: null,
  type: null,
  priority: null,
  actionable: null,
  ...overrides,
});

describe('agreement of the classifier with operators, per field', () => {
  it('counts only the fields an operator judged', () => {
    const classifier = labels({
      category: 'roads_transport',
      type: 'complaint',
      priority: 'normal',
      actionable: true,
    });
    const result = agreementPerField([
      { classifier, operator: labels({ priority: 'critical' }) },
      { classifier, operator: labels({ priority: 'normal', category: 'ecology' }) },
      { classifier, operator: labels({ category: 'roads_transport', actionable: false }) },
    ]);
    expect(result).toEqual({
      category: { judged: 2, agreed: 1, rate: 0.5 },
      type: { judged: 0, agreed: 0, rate: null },
      priority: { judged: 2, agreed: 1, rate: 0.5 },
      actionable: { judged: 1, agreed: 0, rate: 0 },
    });
  });
});
