import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../../../services/apps/demo/scenario.js';

describe('the demo scenario', () => {
  it('has operators pause, resume, resolve and correct (sent twice, one id), after their comments', () => {
    const start = Date.UTC(2026, 11, 3, 12);
    const sends = buildScenario('demo1', start);
    const actions = sends.flatMap((s) => (s.kind === 'action' ? [{ atMs: s.atMs, ...s.action }] : []));
    expect(actions.map((a) => `${a.comment_key} ${a.kind}`)).toEqual([
      'VK:demo1-12 PAUSED',
      'VK:demo1-13 PAUSED',
      'VK:demo1-15 RESOLVED',
      'VK:demo1-17 RECLASSIFIED',
      'VK:demo1-17 RECLASSIFIED',
      'VK:demo1-12 RESUMED',
    ]);
    const [first, again] = actions.filter((a) => a.kind === 'RECLASSIFIED');
    expect(again?.action_id).toBe(first?.action_id);
    expect(first?.correction).toMatchObject({ priority: 'critical' });
    expect(actions.find((a) => a.kind === 'PAUSED')?.pause_reason).toBe('WAITING_FOR_AGENCY');
    for (const a of actions) {
      // Event time is the send's time (a re-send keeps the action's, a second later); each action
      // follows its comment.
      expect(start + a.atMs - a.acted_at).toBe(a === again ? 1_000 : 0);
      const comment = sends.find(
        (s) => s.kind !== 'action' && s.kind !== 'raw' && `VK:${s.event.comment_id}` === a.comment_key,
      );
      expect(comment && comment.atMs < a.atMs).toBe(true);
    }
    // The appeal paused for the citizen was answered first: its final answer is what the pause stops.
    const reply13 = sends.find((s) => s.kind === 'avro' && s.event.comment_id === 'demo1-13-r');
    expect(reply13!.atMs).toBeLessThan(actions.find((a) => a.comment_key === 'VK:demo1-13')!.atMs);
  });

  it("has a citizen's follow-up under an official reply, after the reply", () => {
    const sends = buildScenario('demo1', Date.UTC(2026, 11, 3, 12));
    const follow = sends.find((s) => s.kind === 'avro' && s.event.comment_id === 'demo1-01-f');
    const reply = sends.find((s) => s.kind === 'avro' && s.event.comment_id === 'demo1-01-r');
    expect(follow?.kind === 'avro' && follow.event).toMatchObject({
      parent_comment_id: 'demo1-01-r',
      author: { kind: 'CITIZEN' },
    });
    expect(reply!.atMs).toBeLessThan(follow!.atMs);
  });
});
