import { describe, expect, it } from 'vitest';
import type {
  Classification,
  CommentEvent,
  OperatorAction,
} from '../../../../services/core/contracts/schema-types.generated.js';
import { planAction, planSla } from '../../../../services/core/sla/plan.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import { shardOf } from '../../../../services/core/sla/shard.js';

const OPTIONS = { shards: 16, excerptChars: 20 };
const classification: Classification = {
  category: 'roads_transport',
  type: 'question',
  priority: 'high',
  toxic: false,
  spam: false,
  actionable: true,
  confidence: 0.9,
  evidence: [],
  version: 'test',
  text_truncated: false,
};
const event = (overrides: Partial<CommentEvent> = {}): CommentEvent => ({
  event_id: 'e1',
  op: 'POSTED',
  platform: 'VK',
  comment_id: '2',
  thread_id: 't',
  parent_comment_id: '1',
  page_id: 'p',
  region: '54',
  municipality: null,
  author: { id: 'a', kind: 'OFFICIAL' },
  text: 'Яму заделают до пятницы.',
  posted_at: 1_000,
  url: null,
  ...overrides,
});

describe('planSla: what counts as a reply (issue #16)', () => {
  const config = parsePolicyConfig({});

  it('an official reply answers its parent, naming itself; a bare template is marked interim', () => {
    expect(planSla(event(), classification, config, OPTIONS).command).toEqual({
      kind: 'answer',
      commentKey: 'VK:1',
      shard: shardOf('VK:1', 16),
      answeredAt: 1_000,
      replyKey: 'VK:2',
      interim: false,
    });
    const template = planSla(
      event({ text: 'Ваше обращение передано в администрацию района.' }),
      classification,
      config,
      OPTIONS,
    );
    expect(template.command).toMatchObject({ kind: 'answer', interim: true });
  });

  it('a BOT never answers; MEDIA answers only when configured', () => {
    expect(
      planSla(event({ author: { id: 'b', kind: 'BOT' } }), classification, config, OPTIONS).command?.kind,
    ).toBe('notActionable');
    const media = event({ author: { id: 'm', kind: 'MEDIA' } });
    expect(planSla(media, classification, config, OPTIONS).command?.kind).toBe('notActionable');
    const withMedia = parsePolicyConfig({ replies: { authors: ['OFFICIAL', 'MEDIA'] } });
    expect(planSla(media, classification, withMedia, OPTIONS).command?.kind).toBe('answer');
    const mediaOnly = parsePolicyConfig({ replies: { authors: ['MEDIA'] } });
    expect(planSla(event(), classification, mediaOnly, OPTIONS).command).toBeNull();
  });

  it("a citizen's comment carries its type and its parent, for a store that knows the thread", () => {
    const citizen = event({ author: { id: 'c', kind: 'CITIZEN' } });
    expect(planSla(citizen, classification, config, OPTIONS).command).toMatchObject({
      kind: 'open',
      type: 'question',
      parentKey: 'VK:1',
    });
  });

  it('an action is keyed and sharded by its comment', () => {
    const action = { action_id: 'x', comment_key: 'VK:1', kind: 'RESOLVED' } as OperatorAction;
    expect(planAction(action, 16)).toEqual({
      kind: 'action',
      commentKey: 'VK:1',
      shard: shardOf('VK:1', 16),
      action,
    });
  });
});
