import type {
  Classification,
  CommentEvent,
  OperatorAction,
  SlaInfo,
} from '../contracts/schema-types.generated.js';
import type { ActionCommand, SlaCommand } from './commands.js';
import { answersAppeals, replyKindOf } from './policy-lifecycle.js';
import { computeDeadlines, resolvePolicy, type PolicyConfig } from './policy.js';
import { commentKeyOf, shardOf } from './shard.js';

export interface PlanOptions {
  shards: number;
  excerptChars: number;
}

export interface SlaPlan {
  /** The transition to apply in Redis, or null when the event touches no SLA. */
  command: SlaCommand | null;
  /** The deadline to publish with the classified comment, when the comment opens an SLA. */
  sla: SlaInfo | null;
}

/** Authors whose comments are owed an answer; UNKNOWN is treated as a citizen so nothing slips through. */
const ANSWERABLE_AUTHORS = new Set(['CITIZEN', 'UNKNOWN']);

/** The start of a comment's text for alerts and the board, at most `chars` characters (0: none). */
export function excerptOf(text: string, chars: number): string {
  if (chars <= 0) return '';
  // A comment may be long and the excerpt is short: flatten a window of the text first, and the whole
  // text only when that window flattens to no more than the excerpt (its end might be cut).
  const window = text.length > chars * 2 + 16 ? text.slice(0, chars * 2 + 16) : text;
  const flatWindow = window.replace(/\s+/g, ' ').trim();
  if (flatWindow.length > chars) return `${flatWindow.slice(0, chars - 1)}…`;
  if (window === text) return flatWindow;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= chars ? flat : `${flat.slice(0, chars - 1)}…`;
}

/**
 * The pure SLA decision for one event (docs/design.md#sla-semantics): a DELETED event cancels, a reply by
 * an author who answers (`replies.authors`, OFFICIAL by default; a bare template is marked interim,
 * docs/sla-policy.md#what-counts-as-a-reply) answers its parent, an actionable citizen comment opens an
 * SLA under its policy (carrying its parent, so that a store that knows the thread can take it for a
 * follow-up), anything else is counted as not actionable. Redis makes each of these idempotent; this
 * only decides which one applies.
 */
export function planSla(
  event: CommentEvent,
  classification: Classification,
  policies: PolicyConfig,
  options: PlanOptions,
): SlaPlan {
  const key = commentKeyOf(event.platform, event.comment_id);
  const shard = shardOf(key, options.shards);

  if (event.op === 'DELETED') return { command: { kind: 'cancel', commentKey: key, shard }, sla: null };

  if (answersAppeals(policies, event.author.kind)) {
    if (event.parent_comment_id === null) return { command: null, sla: null };
    const reply = replyKindOf(policies, event.author.kind, event.text);
    const parentKey = commentKeyOf(event.platform, event.parent_comment_id);
    return {
      command: {
        kind: 'answer',
        commentKey: parentKey,
        shard: shardOf(parentKey, options.shards),
        answeredAt: event.posted_at,
        replyKey: key,
        interim: reply === 'interim',
      },
      sla: null,
    };
  }
  // An official whose reply does not count (not in replies.authors) is owed nothing either.
  if (event.author.kind === 'OFFICIAL') return { command: null, sla: null };

  const notActionable: SlaPlan = {
    command: {
      kind: 'notActionable',
      commentKey: key,
      shard,
      region: event.region,
      category: classification.category,
      priority: classification.priority,
    },
    sla: null,
  };
  if (!ANSWERABLE_AUTHORS.has(event.author.kind) || !classification.actionable) return notActionable;

  const policy = resolvePolicy(policies, {
    region: event.region,
    category: classification.category,
    type: classification.type,
    priority: classification.priority,
  });
  if (!policy) return notActionable;

  const { warnAtMs, dueAtMs } = computeDeadlines(policy, event.posted_at);
  return {
    command: {
      kind: 'open',
      commentKey: key,
      shard,
      platform: event.platform,
      commentId: event.comment_id,
      threadId: event.thread_id,
      pageId: event.page_id,
      region: event.region,
      municipality: event.municipality,
      category: classification.category,
      priority: classification.priority,
      postedAt: event.posted_at,
      warnAt: warnAtMs,
      dueAt: dueAtMs,
      policyId: policy.policyId,
      escalationIntervalMs: policy.escalationIntervalMs,
      maxEscalationLevel: policy.maxEscalationLevel,
      excerpt: excerptOf(event.text, options.excerptChars),
      url: event.url,
      type: classification.type,
      parentKey:
        event.parent_comment_id === null ? null : commentKeyOf(event.platform, event.parent_comment_id),
    },
    sla: { policy_id: policy.policyId, warn_at: warnAtMs, due_at: dueAtMs },
  };
}

/** An operator's action as the transition of the appeal it names (keyed and sharded by its comment). */
export function planAction(action: OperatorAction, shards: number): ActionCommand {
  return {
    kind: 'action',
    commentKey: action.comment_key,
    shard: shardOf(action.comment_key, shards),
    action,
  };
}
