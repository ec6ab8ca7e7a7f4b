import { describe, expect, it } from 'vitest';
import { registrySubjectOf } from '../../../../services/adapters/registry/register.js';
import { getDefaultCatalogue } from '../../../../services/core/contracts/index.js';

const topics = { comments: 'c', classified: 'k', alerts: 'a', actions: 'x', incidents: 'i' };

describe('registry subjects', () => {
  it('give every subject of the catalogue a topic under TopicNameStrategy, each its own', () => {
    const subjects = getDefaultCatalogue()
      .subjects()
      .map((s) => registrySubjectOf(s, { strategy: 'topic', topics }));
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(registrySubjectOf('otklik.OperatorAction', { strategy: 'topic', topics })).toBe('x-value');
    expect(registrySubjectOf('otklik.OperatorAction', { strategy: 'record', topics })).toBe(
      'otklik.OperatorAction',
    );
  });
});
