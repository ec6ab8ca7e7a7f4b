import type { CommentEvent } from '../contracts/index.js';
import { commentKeyOf } from '../sla/shard.js';
import type { DetectorComment } from './types.js';

/**
 * What the detector reads of a comment event and its classification: the replay (which classifies) and
 * the service (which reads the worker's classification) both go through here, so they read the same.
 */
export function detectorCommentOf(
  event: CommentEvent,
  classification: { category: string; type: string; spam: boolean },
): DetectorComment {
  return {
    key: commentKeyOf(event.platform, event.comment_id),
    commentId: event.comment_id,
    op: event.op,
    authorId: event.author.id,
    authorKind: event.author.kind,
    pageId: event.page_id,
    threadId: event.thread_id,
    region: event.region,
    municipality: event.municipality,
    text: event.text,
    postedAt: event.posted_at,
    category: classification.category,
    type: classification.type,
    spam: classification.spam,
  };
}
