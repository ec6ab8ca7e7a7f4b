import type { Category, Platform, Priority, SlaAlert } from '../../core/contracts/schema-types.generated.js';
import { alertIdOf } from '../../core/sla/alert.js';
import type { ClaimedAlert } from '../../adapters/redis/store/sla-store.js';

/** The SlaAlert for a claimed deadline; `firedAt` is the Redis server time of the claim. */
export function toSlaAlert(claimed: ClaimedAlert, firedAt: number): SlaAlert {
  return {
    alert_id: alertIdOf(claimed.commentKey, claimed.kind, claimed.level, claimed.target),
    kind: claimed.kind,
    level: claimed.level,
    comment_key: claimed.commentKey,
    platform: claimed.platform as Platform,
    comment_id: claimed.commentId,
    thread_id: claimed.threadId,
    page_id: claimed.pageId,
    region: claimed.region,
    municipality: claimed.municipality,
    category: claimed.category as Category,
    priority: claimed.priority as Priority,
    posted_at: claimed.postedAt,
    due_at: claimed.dueAt,
    fired_at: firedAt,
    overdue_ms: firedAt - claimed.dueAt,
    excerpt: claimed.excerpt,
    url: claimed.url,
    // Which of the appeal's targets (issue #16): a final answer's or next reply's record has its own.
    target: claimed.target,
  };
}
